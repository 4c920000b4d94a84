using Kaito.Testing;

namespace Kaito.E2E.Tests;

/// <summary>Starts (or reuses) the local control plane once for every test class in the collection.</summary>
public sealed class ControlPlaneFixture : IAsyncLifetime
{
    public ControlPlane Plane { get; private set; } = null!;

    public async Task InitializeAsync() => Plane = await ControlPlane.GetAsync();

    public Task DisposeAsync() => Task.CompletedTask;
}

[CollectionDefinition(Name)]
public sealed class ControlPlaneCollection : ICollectionFixture<ControlPlaneFixture>
{
    public const string Name = "control plane";
}
