using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrchestrationMaint.Core.Tasks;

/// <summary>Every registered task by its key, and the one place where a request's parameters are checked.</summary>
public sealed class TaskCatalog
{
    private readonly Dictionary<string, IMaintenanceTask> _tasks;

    public TaskCatalog(IEnumerable<IMaintenanceTask> tasks)
    {
        All = [.. tasks];
        _tasks = new Dictionary<string, IMaintenanceTask>(StringComparer.Ordinal);
        foreach (var task in All)
        {
            if (!_tasks.TryAdd(task.Descriptor.Key, task))
            {
                throw new InvalidOperationException($"Two tasks are registered with the key '{task.Descriptor.Key}'.");
            }
        }
    }

    public IReadOnlyList<IMaintenanceTask> All { get; }

    public IMaintenanceTask? Find(string key) => _tasks.GetValueOrDefault(key);

    /// <summary>
    /// Checks <paramref name="input"/> against the task's parameters: unknown names, wrong types and
    /// out-of-range values are errors; missing ones take their default. The result lists parameters in
    /// declaration order, so two equal requests serialize to the same text.
    /// </summary>
    public static TaskArguments Validate(TaskDescriptor task, JsonObject? input, out IReadOnlyList<string> errors)
    {
        var problems = new List<string>();
        var known = task.Parameters.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, _) in input ?? [])
        {
            if (!known.Contains(name))
            {
                problems.Add(task.Parameters.Count == 0
                    ? $"'{task.Key}' takes no parameters, but '{name}' was given."
                    : $"Unknown parameter '{name}'; '{task.Key}' takes: {string.Join(", ", known)}.");
            }
        }

        var values = new JsonObject();
        foreach (var parameter in task.Parameters)
        {
            var value = input?[parameter.Name] ?? parameter.Default;
            if (value is null)
            {
                problems.Add($"'{parameter.Name}' is required.");
                continue;
            }

            if (Coerce(parameter, value, out var error) is { } coerced)
            {
                values[parameter.Name] = coerced;
            }
            else
            {
                problems.Add(error!);
            }
        }

        errors = problems;
        return new TaskArguments(values);
    }

    private static JsonValue? Coerce(TaskParameter parameter, JsonNode value, out string? error)
    {
        error = null;
        var kind = value.GetValueKind();
        switch (parameter.Kind)
        {
            case ParameterKind.Number:
                if (kind != JsonValueKind.Number || !int.TryParse(value.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
                {
                    error = $"'{parameter.Name}' must be a whole number.";
                    return null;
                }

                if (number < parameter.Min || number > parameter.Max)
                {
                    error = $"'{parameter.Name}' must be between {parameter.Min} and {parameter.Max}; {number} was given.";
                    return null;
                }

                return JsonValue.Create(number);
            case ParameterKind.Boolean:
                if (kind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    error = $"'{parameter.Name}' must be true or false.";
                    return null;
                }

                return JsonValue.Create(kind == JsonValueKind.True);
            default:
                if (kind != JsonValueKind.String)
                {
                    error = $"'{parameter.Name}' must be text.";
                    return null;
                }

                var text = value.GetValue<string>();
                if (parameter.Choices is { } choices && !choices.Contains(text, StringComparer.Ordinal))
                {
                    error = $"'{parameter.Name}' must be one of {string.Join(", ", choices)}; '{text}' was given.";
                    return null;
                }

                if (text.Length > (parameter.Max ?? 1000))
                {
                    error = $"'{parameter.Name}' is longer than {parameter.Max ?? 1000} characters.";
                    return null;
                }

                return JsonValue.Create(text);
        }
    }
}
