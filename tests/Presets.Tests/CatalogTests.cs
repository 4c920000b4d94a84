namespace Kaito.Presets.Tests;

public sealed class CatalogTests
{
    [Theory]
    [InlineData("falcon-7b")]
    [InlineData("falcon-7b-instruct")]
    [InlineData("falcon-40b")]
    [InlineData("falcon-40b-instruct")]
    [InlineData("phi-2")]
    [InlineData("phi-3-mini-4k-instruct")]
    [InlineData("phi-3-mini-128k-instruct")]
    [InlineData("phi-3.5-mini-instruct")]
    [InlineData("phi-4")]
    [InlineData("llama-3.1-8b-instruct")]
    [InlineData("mistral-7b")]
    [InlineData("qwen2.5-coder-7b-instruct")]
    [InlineData("deepseek-r1-distill-llama-8b")]
    public void Seed_and_legacy_presets_resolve(string name) =>
        Assert.Equal(name, ModelCatalog.Default.Find(name)?.Name);

    [Theory]
    [InlineData("PHI-4", "phi-4")]
    [InlineData("microsoft/Phi-3-mini-4k-instruct", "phi-3-mini-4k-instruct")]
    [InlineData("tiiuae/falcon-7b", "falcon-7b")]
    [InlineData("Qwen/Qwen3-8B-AWQ", "qwen/qwen3-8b-awq")]
    public void Lookup_is_case_insensitive_and_accepts_hugging_face_ids(string input, string expected) =>
        Assert.Equal(expected, ModelCatalog.Default.Find(input)?.Name);

    [Fact]
    public void Catalog_holds_the_sixty_head_models_and_five_legacy_presets_with_usable_figures()
    {
        var models = ModelCatalog.Default.Models;
        Assert.Equal(60 + 5, models.Count);
        Assert.All(models, m =>
        {
            Assert.True(m.WeightsGiB > 0, m.Name);
            Assert.True(m.ContextLimit >= 2048, m.Name);
            Assert.True(m.KvBytesPerToken > 0, m.Name);
            Assert.Contains("vllm", m.Runtimes);
            Assert.False(string.IsNullOrEmpty(m.Tag), m.Name);
        });
    }

    [Fact]
    public void Repeated_and_interleaved_sku_lookups_answer_as_fresh_ones()
    {
        var azure = "azure";
        var a100 = "Standard_NC24ads_A100_v4";
        string[] clouds = [azure, "aws", "AZURE", azure, new string(azure.AsSpan())];
        string[] names = [a100, "g6e.12xlarge", " standard_nc24ads_a100_v4 ", a100, "Standard_NC24ads_A100_v5", new string(a100.AsSpan()), a100];
        var fresh = new SkuCatalog(SkuCatalog.Default.Clouds.ToDictionary(c => c, c => SkuCatalog.Default.For(c)));
        // Every pair twice in a row and interleaved with the others: each answer is what a catalog that never looked up says.
        foreach (var cloud in clouds.Concat(clouds))
        {
            foreach (var name in names)
            {
                var expected = new SkuCatalog(SkuCatalog.Default.Clouds.ToDictionary(c => c, c => SkuCatalog.Default.For(c))).Find(cloud, name);
                Assert.Equal(expected, SkuCatalog.Default.Find(cloud, name));
                Assert.Equal(expected, fresh.Find(cloud, name));
            }
            Assert.True(SkuCatalog.Default.HasCloud(cloud));
            Assert.Same(fresh.For(cloud), SkuCatalog.Default.For(cloud));
        }
        Assert.Equal("Standard_NC24ads_A100_v4", SkuCatalog.Default.Find(azure, a100)!.Name);
        Assert.Null(SkuCatalog.Default.Find("aws", a100));
        Assert.False(SkuCatalog.Default.HasCloud("gcp"));
        Assert.Throws<ArgumentException>(() => SkuCatalog.Default.Find("gcp", a100));
    }

    [Fact]
    public void Repeated_and_interleaved_model_lookups_answer_as_fresh_ones()
    {
        var phi = "phi-3.5-mini-instruct";
        string[] names = [phi, phi, "PHI-4", "phi3", phi, " phi-4 ", new string(phi.AsSpan()), "microsoft/Phi-3-mini-4k-instruct", "phi3", phi];
        foreach (var name in names.Concat(names.Reverse()))
            Assert.Equal(new ModelCatalog(ModelCatalog.Default.Models).Find(name), ModelCatalog.Default.Find(name));
        Assert.Equal(phi, ModelCatalog.Default.Find(phi)!.Name);
        Assert.Null(ModelCatalog.Default.Find("phi3"));
    }

    [Fact]
    public void Gated_llama_models_need_a_model_access_secret() =>
        Assert.Equal(["llama-3.1-8b-instruct", "llama-3.3-70b-instruct"],
            ModelCatalog.Default.Models.Where(m => m.ModelAccessSecretRequired).Select(m => m.Name).Order(StringComparer.Ordinal));

    [Fact]
    public void Unknown_model_is_null_with_close_names_offered()
    {
        Assert.Null(ModelCatalog.Default.Find("phi3"));
        Assert.All(ModelCatalog.Default.Closest("phi3"), n => Assert.StartsWith("phi-3", n, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("azure", "standard_nc6s_v3", 1, 16.0, false)]
    [InlineData("azure", "Standard_NC12s_v3", 2, 16.0, false)]
    [InlineData("azure", "Standard_NC4as_T4_v3", 1, 16.0, false)]
    [InlineData("azure", "Standard_NC24ads_A100_v4", 1, 80.0, true)]
    [InlineData("azure", "Standard_ND96isr_H100_v5", 8, 80.0, true)]
    [InlineData("aws", "G5.XLARGE", 1, 24.0, true)]
    [InlineData("aws", "p5.48xlarge", 8, 80.0, true)]
    [InlineData("arc", "Standard_NC16_A16", 2, 16.0, true)]
    public void Sku_lookup_is_case_insensitive_and_splits_memory_per_gpu(string cloud, string name, int gpus, double perGpu, bool bf16)
    {
        var sku = SkuCatalog.Default.Find(cloud, name);

        Assert.NotNull(sku);
        Assert.Equal(gpus, sku.GpuCount);
        Assert.Equal(perGpu, sku.Shape.PerGpuMemoryGiB);
        Assert.Equal(bf16, sku.Shape.SupportsBfloat16);
    }

    [Fact]
    public void Unknown_sku_is_null_never_a_guess()
    {
        Assert.Null(SkuCatalog.Default.Find("azure", "Standard_NV6ads_A10_v5"));
        Assert.Null(SkuCatalog.Default.Find("aws", "Standard_NC6s_v3"));
        Assert.Throws<ArgumentException>(() => SkuCatalog.Default.For("gcp"));
    }

    [Fact]
    public void A_skus_shape_is_made_once_and_a_copy_with_other_figures_gets_its_own()
    {
        var sku = SkuCatalog.Default.Find("azure", "Standard_NC24ads_A100_v4")!;
        Assert.Same(sku.Shape, sku.Shape);
        Assert.Equal(new GpuShape(1, 80, sku.GpuModel, sku.ComputeCapability, "SKU Standard_NC24ads_A100_v4"), sku.Shape);
        var doubled = sku with { Name = "Standard_Twice", GpuCount = 2, TotalGpuMemoryGiB = 320 };
        Assert.Equal(new GpuShape(2, 160, sku.GpuModel, sku.ComputeCapability, "SKU Standard_Twice"), doubled.Shape);
        Assert.Equal(sku, sku with { });
    }
}
