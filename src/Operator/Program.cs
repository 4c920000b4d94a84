using Kaito.Operator;

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
