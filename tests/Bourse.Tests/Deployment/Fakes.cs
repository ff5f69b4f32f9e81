using System.ComponentModel.DataAnnotations;
using Bourse.Configuration;

// Look-alikes of the Functions worker attributes: discovery matches attributes by type name.
namespace Bourse.Tests.Deployment.Fakes;

[AppScope("functions")]
public sealed class FakeOptions
{
    public const string SectionName = "Fake:Section";

    [Required]
    public Uri? Url { get; init; }

    [Required]
    public IList<Uri> Endpoints { get; init; } = [];

    [Secret]
    public string? ApiKey { get; init; }

    [Required]
    public FakeUpstream Upstream { get; init; } = new();

    public int Optional { get; init; }
}

public sealed class FakeUpstream
{
    [Required]
    [Secret]
    public string Token { get; init; } = "";
}

[AttributeUsage(AttributeTargets.Parameter)]
public sealed class QueueTriggerAttribute(string queueName) : Attribute
{
    public string QueueName { get; } = queueName;

    public string? Connection { get; set; }
}

[AttributeUsage(AttributeTargets.Parameter)]
public sealed class TimerTriggerAttribute(string schedule) : Attribute
{
    public string Schedule { get; } = schedule;
}

[AttributeUsage(AttributeTargets.Property | AttributeTargets.ReturnValue)]
public sealed class QueueOutputAttribute(string queueName) : Attribute
{
    public string QueueName { get; } = queueName;

    public string? Connection { get; set; }
}

[AttributeUsage(AttributeTargets.Parameter)]
public sealed class TableInputAttribute(string tableName) : Attribute
{
    public string TableName { get; } = tableName;
}

public sealed class FakeFunctions
{
    [QueueOutput("fake-out", Connection = "Other")]
    public string? Output { get; set; }

    public static void Work([QueueTrigger("%FAKE_QUEUE%")] string message, [TableInput("FakeTable")] object table) =>
        GC.KeepAlive((message, table));

    public static void Tick([TimerTrigger("%FAKE_SCHEDULE%")] object timer) => GC.KeepAlive(timer);

    public static void Literal([TimerTrigger("0 0 * * * *")] object timer) => GC.KeepAlive(timer);
}

[AttributeUsage(AttributeTargets.Class)]
public sealed class AppScopeAttribute(params string[] services) : Attribute
{
    public IReadOnlyList<string> Services { get; } = services;
}
