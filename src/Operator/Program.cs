using Kaito.Operator;
using Kaito.Operator.Fetch;

// The tuning Job's data downloader runs from this image too (TuningData.InputContainer).
if (args.Length > 0 && args[0] == FetchCommand.Name)
    return await FetchCommand.RunAsync(args[1..], Console.Out, Console.Error);

try
{
    await OperatorHost.Build(args).RunAsync();
    return 0;
}
catch (OptionsException e)
{
    foreach (var error in e.Errors) await Console.Error.WriteLineAsync("error: " + error);
    return 2;
}
