namespace Bourse.Tests.Deployment;

/// <summary>
/// Every queue and table the code uses is created by the Bicep: queue triggers (with their
/// <c>-poison</c> queue, where the host moves a message after <c>maxDequeueCount</c>), queue and
/// table bindings, and the constants in <c>Bourse.Storage.QueueNames</c> / <c>TableNames</c>.
/// When those classes exist, nothing else is created either.
/// </summary>
public sealed class StorageCoverageTests
{
    /// <summary>Queues the issue fixes even before the code declares them.</summary>
    private static readonly string[] IssueQueues = ["settlement", "buyback"];

    private static DeployedInfrastructure Infra => DeployedInfrastructure.Instance;

    private static IReadOnlyList<(StorageBinding Binding, string Service)> CodeBindings() =>
        [.. CodeRequirements.AppAssemblies.SelectMany(app =>
            CodeRequirements.Bindings(CodeRequirements.Load(app.Value)).Storage.Select(b => (b, app.Key)))];

    /// <summary>A binding's queue or table name, with <c>%Setting%</c> resolved through the app's (literal or default) setting.</summary>
    private static string ResolveName(StorageBinding binding, string service)
    {
        if (CodeRequirements.SettingName(binding.Name!) is not { } setting)
        {
            return binding.Name!;
        }

        Assert.True(Infra.App(service).Settings.TryGetValue(setting, out var raw), $"{service}: '%{setting}%' ({binding.Source}) is not set.");
        var value = DeployedInfrastructure.Resolve(Infra.Main, System.Text.Json.Nodes.JsonValue.Create(raw));
        var name = value?.GetValue<string>() ?? "";
        Assert.False(name.StartsWith('[') || name.Length == 0, $"{service}: '{setting}' must resolve to a literal name, got {raw}.");
        return name;
    }

    private static HashSet<string> TriggerQueues() =>
        [.. CodeBindings().Where(b => b.Binding is { Kind: StorageKind.Queue, IsTrigger: true }).Select(b => ResolveName(b.Binding, b.Service))];

    private static HashSet<string> CodeQueues()
    {
        var queues = new HashSet<string>(IssueQueues, StringComparer.Ordinal);
        queues.UnionWith(CodeRequirements.StorageNames(AppSettingsCoverageTests.Shared, "QueueNames") ?? new HashSet<string>());
        queues.UnionWith(CodeBindings().Where(b => b.Binding.Kind == StorageKind.Queue).Select(b => ResolveName(b.Binding, b.Service)));
        return queues;
    }

    private static HashSet<string> CodeTables()
    {
        var tables = new HashSet<string>(CodeRequirements.StorageNames(AppSettingsCoverageTests.Shared, "TableNames") ?? new HashSet<string>(), StringComparer.Ordinal);
        tables.UnionWith(CodeBindings().Where(b => b.Binding.Kind == StorageKind.Table).Select(b => ResolveName(b.Binding, b.Service)));
        return tables;
    }

    [Fact]
    public void Queues_UsedByCode_AreCreated()
    {
        var missing = CodeQueues().Except(Infra.Queues).Order().ToList();

        Assert.True(missing.Count == 0, "Queues used by the code but not created: " + string.Join(", ", missing));
    }

    [Fact]
    public void PoisonQueues_TriggeredAndIssueQueues_AreCreated()
    {
        var missing = TriggerQueues().Concat(IssueQueues).Select(q => q + "-poison").Except(Infra.Queues).Order().ToList();

        Assert.True(missing.Count == 0, "Poison queues not created: " + string.Join(", ", missing));
    }

    [Fact]
    public void Tables_UsedByCode_AreCreated()
    {
        var missing = CodeTables().Except(Infra.Tables).Order().ToList();

        Assert.True(missing.Count == 0, "Tables used by the code but not created: " + string.Join(", ", missing));
    }

    [Fact]
    public void Queues_Created_AreAllUsedByCodeOrTheirPoisonQueues()
    {
        var used = CodeQueues();
        var unused = Infra.Queues.Where(q => !used.Contains(q) && !(q.EndsWith("-poison", StringComparison.Ordinal) && used.Contains(q[..^7]))).ToList();

        Assert.True(unused.Count == 0, "Queues created but not used by the code: " + string.Join(", ", unused));
    }

    [Fact]
    public void Tables_Created_AreAllUsedByCode()
    {
        var unused = Infra.Tables.Except(CodeTables()).ToList();

        Assert.True(unused.Count == 0, "Tables created but not used by the code: " + string.Join(", ", unused));
    }

    [Fact]
    public void StorageNames_AllQueuesAndTables_AreValidAzureNames()
    {
        Assert.All(Infra.Queues, q => Assert.Matches("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", q));
        Assert.All(Infra.Tables, t => Assert.Matches("^[A-Za-z][A-Za-z0-9]{2,62}$", t));
    }
}
