using Microsoft.Extensions.Logging;

namespace Kaito.GpuSimulator;

/// <summary>The informers' warnings in the simulator's own log, one line each; debug chatter dropped.</summary>
public sealed class TextWriterLogger(TextWriter log) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel)) return;
        lock (log) log.WriteLine($"{logLevel}: {formatter(state, exception)}");
    }
}
