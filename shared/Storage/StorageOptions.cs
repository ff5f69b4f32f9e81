using Microsoft.Extensions.Configuration;

namespace Bourse.Storage;

/// <summary>
/// Where the apps keep their tables and queues: the Functions host's own storage connection,
/// either a connection string (local, Azurite) or identity-based service URIs (Azure).
/// </summary>
public sealed record StorageOptions
{
    /// <summary>The configuration key of the connection, as the Functions host names it.</summary>
    public const string ConnectionName = "AzureWebJobsStorage";

    public string? ConnectionString { get; init; }
    public Uri? TableServiceUri { get; init; }
    public Uri? QueueServiceUri { get; init; }
    public string? ManagedIdentityClientId { get; init; }

    public static StorageOptions FromConfiguration(IConfiguration configuration, string connectionName = ConnectionName)
    {
        var section = configuration.GetSection(connectionName);
        return new StorageOptions
        {
            ConnectionString = section.Value,
            TableServiceUri = ParseUri(section["tableServiceUri"]),
            QueueServiceUri = ParseUri(section["queueServiceUri"]),
            ManagedIdentityClientId = section["clientId"],
        };
    }

    private static Uri? ParseUri(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null : new Uri(value, UriKind.Absolute);
}
