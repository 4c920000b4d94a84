using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Kaito.Reconcilers.Runtime;

/// <summary>
/// Leader election on a Lease with optimistic concurrency (a 409 just means "try again later").
/// A candidate takes the lease when it is absent, released (empty holder) or not renewed for
/// LeaseDuration as observed locally (clock-skew safe, like client-go). The leader renews every
/// RenewDeadline/2 and releases the lease on shutdown.
/// </summary>
public sealed class LeaderElector(IKubernetes client, LeaderElectionOptions options, ILogger logger, TimeProvider? timeProvider = null)
{
    readonly TimeProvider time = timeProvider ?? TimeProvider.System;
    string? observedVersion;
    long observedAt;
    volatile bool leading;

    public LeaderElectionOptions Options { get; } = options;

    public bool IsLeader => leading;

    /// <summary>
    /// Campaigns until leader, then runs <paramref name="whileLeading"/> with a token cancelled when
    /// leadership is lost or <paramref name="cancellationToken"/> fires. After a loss it campaigns again;
    /// it returns (releasing the lease) when cancelled or when <paramref name="whileLeading"/> returns.
    /// </summary>
    public async Task RunAsync(Func<CancellationToken, Task> whileLeading, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            if (!await AcquireAsync(cancellationToken).ConfigureAwait(false)) return;
            leading = true;
            RuntimeLog.BecameLeader(logger, Options.Namespace, Options.LeaseName, Options.Identity);
            using var leadership = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var work = Task.Run(() => whileLeading(leadership.Token), CancellationToken.None);
            var lost = await HoldAsync(work, cancellationToken).ConfigureAwait(false);
            leading = false;
            await leadership.CancelAsync().ConfigureAwait(false);
            try
            {
                await work.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (leadership.IsCancellationRequested)
            {
                // Expected: the work was told to stop.
            }
            finally
            {
                if (!lost) await ReleaseAsync().ConfigureAwait(false);
            }
            if (!lost) return;
            RuntimeLog.LostLeadership(logger, Options.Namespace, Options.LeaseName, Options.Identity);
        }
    }

    async Task<bool> AcquireAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (await TryAcquireOrRenewAsync(cancellationToken).ConfigureAwait(false)) return true;
            try
            {
                await Task.Delay(Options.RetryPeriod * (1 + (0.2 * Random.Shared.NextDouble())), time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }

    /// <summary>Renews until the work ends, cancellation, or a renewal deadline is missed (returns true: lost).</summary>
    async Task<bool> HoldAsync(Task work, CancellationToken cancellationToken)
    {
        var lastRenew = time.GetTimestamp();
        var wait = Options.RenewDeadline / 2;
        while (true)
        {
            using (var delay = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                var tick = Task.Delay(wait, time, delay.Token);
                await Task.WhenAny(work, tick).ConfigureAwait(false);
                await delay.CancelAsync().ConfigureAwait(false);
            }
            if (work.IsCompleted || cancellationToken.IsCancellationRequested) return false;
            if (await TryAcquireOrRenewAsync(cancellationToken).ConfigureAwait(false))
            {
                lastRenew = time.GetTimestamp();
                wait = Options.RenewDeadline / 2;
            }
            else if (time.GetElapsedTime(lastRenew) >= Options.RenewDeadline)
            {
                return true;
            }
            else
            {
                wait = Options.RetryPeriod;
            }
        }
    }

    /// <summary>One attempt; false when someone else holds the lease, on a conflict, or on an API error.</summary>
    public async Task<bool> TryAcquireOrRenewAsync(CancellationToken cancellationToken)
    {
        try
        {
            var now = time.GetUtcNow().UtcDateTime;
            var durationSeconds = (int)Math.Ceiling(Options.LeaseDuration.TotalSeconds);
            V1Lease lease;
            try
            {
                lease = await client.CoordinationV1.ReadNamespacedLeaseAsync(Options.LeaseName, Options.Namespace,
                    cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
                await client.CoordinationV1.CreateNamespacedLeaseAsync(new V1Lease
                {
                    Metadata = new V1ObjectMeta { Name = Options.LeaseName, NamespaceProperty = Options.Namespace },
                    Spec = new V1LeaseSpec
                    {
                        HolderIdentity = Options.Identity,
                        LeaseDurationSeconds = durationSeconds,
                        AcquireTime = now,
                        RenewTime = now,
                        LeaseTransitions = 0,
                    },
                }, Options.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
                return true;
            }

            var spec = lease.Spec ??= new V1LeaseSpec();
            if (lease.Metadata.ResourceVersion != observedVersion)
            {
                observedVersion = lease.Metadata.ResourceVersion;
                observedAt = time.GetTimestamp();
            }
            var holder = spec.HolderIdentity;
            if (!string.IsNullOrEmpty(holder) && holder != Options.Identity)
            {
                var duration = TimeSpan.FromSeconds(spec.LeaseDurationSeconds ?? durationSeconds);
                if (time.GetElapsedTime(observedAt) < duration) return false;
            }
            if (holder != Options.Identity)
            {
                spec.AcquireTime = now;
                spec.LeaseTransitions = (spec.LeaseTransitions ?? 0) + 1;
            }
            spec.HolderIdentity = Options.Identity;
            spec.LeaseDurationSeconds = durationSeconds;
            spec.RenewTime = now;
            var updated = await client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, Options.LeaseName, Options.Namespace,
                cancellationToken: cancellationToken).ConfigureAwait(false);
            observedVersion = updated.Metadata.ResourceVersion;
            observedAt = time.GetTimestamp();
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            return false;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or IOException or TaskCanceledException)
        {
            RuntimeLog.LeaseError(logger, e, Options.Namespace, Options.LeaseName);
            return false;
        }
    }

    /// <summary>Gives the lease up (empty holder) so a successor need not wait for it to expire.</summary>
    async Task ReleaseAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            var lease = await client.CoordinationV1.ReadNamespacedLeaseAsync(Options.LeaseName, Options.Namespace,
                cancellationToken: timeout.Token).ConfigureAwait(false);
            if (lease.Spec?.HolderIdentity != Options.Identity) return;
            var now = time.GetUtcNow().UtcDateTime;
            lease.Spec.HolderIdentity = "";
            lease.Spec.LeaseDurationSeconds = 1;
            lease.Spec.AcquireTime = now;
            lease.Spec.RenewTime = now;
            await client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, Options.LeaseName, Options.Namespace,
                cancellationToken: timeout.Token).ConfigureAwait(false);
            RuntimeLog.ReleasedLeadership(logger, Options.Namespace, Options.LeaseName, Options.Identity);
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or IOException or OperationCanceledException)
        {
            RuntimeLog.LeaseError(logger, e, Options.Namespace, Options.LeaseName);
        }
    }
}
