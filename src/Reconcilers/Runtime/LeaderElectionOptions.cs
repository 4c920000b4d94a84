namespace Kaito.Reconcilers.Runtime;

/// <summary>A coordination.k8s.io/v1 Lease to hold and its timing (client-go defaults).</summary>
public sealed record LeaderElectionOptions(string Namespace, string LeaseName, string Identity)
{
    /// <summary>How long a holder's last renewal stays valid for the others.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The leader gives up when it could not renew for this long; it renews every half of it.</summary>
    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a candidate (or a leader whose renewal failed) tries again.</summary>
    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);
}
