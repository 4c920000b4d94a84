using Kaito.Api.V1Beta1;
using Kaito.Presets;

namespace Kaito.Webhooks.Validation;

/// <summary>instanceType against the provisioning mode and the SKU catalog.</summary>
public static class ResourceRules
{
    public static void ValidateInstanceType(string? instanceType, string path, AdmissionSettings settings, FieldErrors errors)
    {
        if (settings.Provisioning == NodeProvisioning.BringYourOwn)
        {
            if (!string.IsNullOrEmpty(instanceType))
                errors.Forbidden(path, "nodes are not provisioned (bring your own nodes); remove instanceType and select your GPU nodes with labelSelector");
            return;
        }
        if (string.IsNullOrWhiteSpace(instanceType))
        {
            errors.Required(path, $"set the GPU VM size to provision, for example {FirstSku(settings.Cloud)}; `kubectl kaito skus list --cloud {settings.Cloud}` lists them");
            return;
        }
        if (!SkuCatalog.Default.HasCloud(settings.Cloud))
        {
            errors.Invalid(path, instanceType, $"the operator's cloud \"{settings.Cloud}\" has no SKU catalog (known: {string.Join(", ", SkuCatalog.Default.Clouds)}); fix the operator setting");
            return;
        }
        if (SkuCatalog.Default.Find(settings.Cloud, instanceType) is null)
        {
            errors.NotSupported(path, instanceType,
                $"not a GPU SKU known for {settings.Cloud}; closest: {string.Join(", ", SkuCatalog.Default.Closest(settings.Cloud, instanceType))} " +
                $"(all: `kubectl kaito skus list --cloud {settings.Cloud}`)");
        }
    }

    static string FirstSku(string cloud) =>
        SkuCatalog.Default.HasCloud(cloud) && SkuCatalog.Default.For(cloud).Count > 0 ? SkuCatalog.Default.For(cloud)[0].Name : "Standard_NC24ads_A100_v4";
}
