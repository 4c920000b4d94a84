namespace Kaito.Operator;

/// <summary>Builds the operator process: health endpoints now; webhooks and reconcilers join in later issues.</summary>
public static class OperatorHost
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        var app = builder.Build();
        app.MapHealth();
        return app;
    }
}
