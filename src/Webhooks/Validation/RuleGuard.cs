using Kaito.Webhooks.Admission;

namespace Kaito.Webhooks.Validation;

/// <summary>
/// Runs one rule and, if it throws unexpectedly, attributes the failure to the field it was checking
/// (the webhook turns that into a denial naming the field, logged with the request uid) instead of a 500.
/// The overloads that take a state run a static rule: no closure or delegate is allocated, which matters where a
/// validator runs on every admission (Workspace).
/// </summary>
public static class RuleGuard
{
    public static void Run<TState>(string path, TState state, Action<TState> rule)
    {
        try
        {
            rule(state);
        }
        catch (Exception e) when (e is not (OperationCanceledException or RuleFailedException))
        {
            throw new RuleFailedException(path, e);
        }
    }

    public static T Run<TState, T>(string path, TState state, Func<TState, T> rule)
    {
        try
        {
            return rule(state);
        }
        catch (Exception e) when (e is not (OperationCanceledException or RuleFailedException))
        {
            throw new RuleFailedException(path, e);
        }
    }

    public static async Task RunAsync<TState>(string path, TState state, Func<TState, Task> rule)
    {
        try
        {
            await rule(state);
        }
        catch (Exception e) when (e is not (OperationCanceledException or RuleFailedException))
        {
            throw new RuleFailedException(path, e);
        }
    }

    public static async Task<T> RunAsync<TState, T>(string path, TState state, Func<TState, Task<T>> rule)
    {
        try
        {
            return await rule(state);
        }
        catch (Exception e) when (e is not (OperationCanceledException or RuleFailedException))
        {
            throw new RuleFailedException(path, e);
        }
    }

    public static void Run(string path, Action rule) => Run(path, rule, static r => r());

    public static T Run<T>(string path, Func<T> rule) => Run(path, rule, static r => r());

    public static Task RunAsync(string path, Func<Task> rule) => RunAsync(path, rule, static r => r());

    public static Task<T> RunAsync<T>(string path, Func<Task<T>> rule) => RunAsync(path, rule, static r => r());
}
