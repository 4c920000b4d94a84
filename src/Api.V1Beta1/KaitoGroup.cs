namespace Kaito.Api.V1Beta1;

public static class KaitoGroup
{
    public const string Name = "kaito.sh";
    public const string V1Alpha1 = "kaito.sh/v1alpha1";
    public const string V1Beta1 = "kaito.sh/v1beta1";
}
