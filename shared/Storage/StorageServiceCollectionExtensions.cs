using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Queues;
using Bourse.Storage;
using Bourse.Telemetry;
using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.DependencyInjection;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers the table and queue clients on the apps' storage connection. Queue messages are
    /// base64, as the Functions host expects them.
    /// </summary>
    public static IServiceCollection AddBourseStorage(this IServiceCollection services, IConfiguration configuration)
    {
        var options = StorageOptions.FromConfiguration(configuration);
        if (options.ConnectionString is null && (options.TableServiceUri is null || options.QueueServiceUri is null))
        {
            throw new InvalidOperationException(
                $"Storage is not configured: set '{StorageOptions.ConnectionName}' to a connection string, or " +
                $"'{StorageOptions.ConnectionName}__tableServiceUri' and '{StorageOptions.ConnectionName}__queueServiceUri'.");
        }

        services.AddSingleton(options);
        services.AddSingleton(_ =>
        {
            var tableOptions = new TableClientOptions();
            tableOptions.AddPolicy(new StorageRequestCounter("table"), HttpPipelinePosition.PerRetry);
            return options.ConnectionString is { } cs
                ? new TableServiceClient(cs, tableOptions)
                : new TableServiceClient(options.TableServiceUri, Credential(options), tableOptions);
        });
        services.AddSingleton(_ =>
        {
            var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
            queueOptions.AddPolicy(new StorageRequestCounter("queue"), HttpPipelinePosition.PerRetry);
            return options.ConnectionString is { } cs
                ? new QueueServiceClient(cs, queueOptions)
                : new QueueServiceClient(options.QueueServiceUri, Credential(options), queueOptions);
        });
        return services;
    }

    private static ManagedIdentityCredential Credential(StorageOptions options) =>
        new ManagedIdentityCredential(options.ManagedIdentityClientId is { } id
            ? ManagedIdentityId.FromUserAssignedClientId(id)
            : ManagedIdentityId.SystemAssigned);
}
