using System.Collections.Immutable;
using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace Bourse.LocalHost.Hosting;

/// <summary>The <see cref="FunctionContext"/> a function sees under the local host.</summary>
internal sealed class LocalFunctionContext(
    FunctionDefinition definition,
    IServiceProvider services,
    IReadOnlyDictionary<string, object?> bindingData,
    CancellationToken cancellationToken) : FunctionContext
{
    private static readonly TraceContext NoTrace = new LocalTraceContext();
    private string? _invocationId;
    private BindingContext? _bindingContext;

    public override string InvocationId => _invocationId ??= Guid.NewGuid().ToString();
    public override string FunctionId => definition.Id;
    public override TraceContext TraceContext => NoTrace;
    public override BindingContext BindingContext => _bindingContext ??= new LocalBindingContext(bindingData);
    public override RetryContext RetryContext => null!;
    public override IServiceProvider InstanceServices { get; set; } = services;
    public override FunctionDefinition FunctionDefinition => definition;
    public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>(1);
    public override IInvocationFeatures Features => throw new NotSupportedException("Invocation features are not available under the local host.");
    public override CancellationToken CancellationToken { get; } = cancellationToken;

    private sealed class LocalTraceContext : TraceContext
    {
        public override string TraceParent => string.Empty;
        public override string TraceState => string.Empty;
    }

    private sealed class LocalBindingContext(IReadOnlyDictionary<string, object?> data) : BindingContext
    {
        public override IReadOnlyDictionary<string, object?> BindingData { get; } = data;
    }

    /// <summary>A function's definition: the same for every invocation, so made once per function.</summary>
    public sealed class LocalFunctionDefinition(FunctionDescriptor function) : FunctionDefinition
    {
        public override ImmutableArray<FunctionParameter> Parameters { get; } =
            [.. function.Method.GetParameters().Select(p => new FunctionParameter(p.Name!, p.ParameterType))];
        public override string PathToAssembly => function.Method.DeclaringType!.Assembly.Location;
        public override string EntryPoint => function.EntryPoint;
        public override string Id => function.Name;
        public override string Name => function.Name;
        public override IImmutableDictionary<string, BindingMetadata> InputBindings { get; } = ImmutableDictionary<string, BindingMetadata>.Empty;
        public override IImmutableDictionary<string, BindingMetadata> OutputBindings { get; } = ImmutableDictionary<string, BindingMetadata>.Empty;
    }
}
