using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Xml.Linq;
using Causeway.Coordinator;
using Causeway.Core.Data;
using Causeway.Federation.Configuration;

namespace Causeway.Cli.Output;

/// <summary>
/// docs/configuration.md, generated from the types that read each file: every field the JSON reader binds (by the
/// reader's own metadata, so a name can never drift from what is accepted), its type, its default (read from a default
/// instance) and what it means (the property's XML documentation). <c>causeway docs configuration</c> prints it; a test
/// checks that the committed file is what this produces.
/// </summary>
internal static class ConfigurationReference
{
    private const string Regenerate = "./causeway docs configuration > docs/configuration.md";

    /// <summary>The reference as Markdown.</summary>
    public static string Generate()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"""
            # Configuration reference

            Every field of the files Causeway reads, generated from the types that read them
            (`{Regenerate}`); a test fails when this file and the code disagree. Every field is
            optional unless its meaning says "Required". Names are case-sensitive; an unknown field is an error that
            names the nearest known one. JSON files may hold `//` and `/* */` comments and trailing commas.


            """);

        text.Append("""
            ## Run configuration (`run.json`)

            Read by `causeway simulate --config`, `causeway run start --config` and `POST /api/runs`; examples in
            samples/configs. Enum values are written in lower case (`"fedavg"`, `"dirichlet"`). A section whose default
            is "absent" is off unless given.


            """);
        var runOptions = RunConfig.JsonOptions;
        Table(text, runOptions, runOptions.GetTypeInfo(typeof(RunConfig)), new RunConfig(), withDefaults: true);

        text.Append("""

            ## Data schema (`schema.json`)

            Read by every party (`causeway party --schema`), `causeway simulate` (`data.schema`), `causeway predict` and
            kept inside model files; `causeway schema infer` drafts one from a CSV. Every party of a federation reads its
            table with the same schema. Values outside the listed words are refused, naming the field. The defaults are
            in the descriptions.


            """);
        var schema = DataSchema.FileShape;
        Table(text, schema.Options, schema, defaults: null, withDefaults: false);

        text.Append("""

            ## Coordinator options

            Set by `causeway coordinator` (flags in parentheses where there is one) or, hosting the coordinator in your own
            ASP.NET Core process, by `services.AddCauseway(o => ...)`. Durations are written as hh:mm:ss.


            """);
        CoordinatorTable(text);
        return text.ToString().ReplaceLineEndings("\n");
    }

    // One row per field, sections first as their own row, then their fields under "section.field".
    private static void Table(StringBuilder text, JsonSerializerOptions options, JsonTypeInfo root, object? defaults, bool withDefaults)
    {
        text.Append(withDefaults ? "| field | type | default | meaning |\n|---|---|---|---|\n" : "| field | type | meaning |\n|---|---|---|\n");
        Rows(text, options, root, defaults, prefix: "", withDefaults);
    }

    private static void Rows(StringBuilder text, JsonSerializerOptions options, JsonTypeInfo type, object? defaults, string prefix, bool withDefaults)
    {
        // Only what the reader binds: computed properties the writer adds ("effective..." values) are not configuration.
        foreach (var property in type.Properties.Where(p => p.Set is not null))
        {
            var path = prefix + property.Name;
            var value = defaults is null ? null : property.Get?.Invoke(defaults);
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var section = IsSection(options, propertyType) ? options.GetTypeInfo(propertyType) : null;
            var items = section is null ? ItemSection(options, propertyType) : null;
            var meaning = XmlDocumentation.Summary(property.AttributeProvider as MemberInfo);
            if (meaning.Length == 0 && section is not null)
            {
                meaning = XmlDocumentation.Summary(propertyType);
            }

            var shownDefault = section is not null ? (value is null ? "absent" : "") : Default(options, property.PropertyType, value);
            text.Append(CultureInfo.InvariantCulture, $"| `{path}` | {(section is null ? TypeName(options, propertyType) : "section")} |");
            if (withDefaults)
            {
                text.Append(CultureInfo.InvariantCulture, $" {Cell(shownDefault)} |");
            }

            text.Append(CultureInfo.InvariantCulture, $" {Cell(meaning)} |\n");
            if (section is not null)
            {
                Rows(text, options, section, value ?? TryCreate(propertyType), path + ".", withDefaults);
            }
            else if (items is not null)
            {
                Rows(text, options, items, TryCreate(items.Type), path + "[].", withDefaults);
            }
        }
    }

    // The fields of a list's items when they are objects of ours (a schema's columns).
    private static JsonTypeInfo? ItemSection(JsonSerializerOptions options, Type type) =>
        options.GetTypeInfo(type) is { Kind: JsonTypeInfoKind.Enumerable, ElementType: { } element } && IsSection(options, element)
            ? options.GetTypeInfo(element)
            : null;

    private static void CoordinatorTable(StringBuilder text)
    {
        var flags = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [nameof(CoordinatorOptions.FederationId)] = "--federation",
            [nameof(CoordinatorOptions.HeartbeatTimeout)] = "--heartbeat-timeout",
            [nameof(CoordinatorOptions.StatisticsEpsilonBudget)] = "--stats-epsilon-budget",
            [nameof(CoordinatorOptions.StatisticsDeltaBudget)] = "--stats-delta-budget",
        };
        var defaults = new CoordinatorOptions();
        text.Append("| option | type | default | meaning |\n|---|---|---|---|\n");
        foreach (var property in typeof(CoordinatorOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var name = flags.TryGetValue(property.Name, out var flag) ? $"`{property.Name}` (`{flag}`)" : $"`{property.Name}`";
            var value = property.GetValue(defaults);
            var shown = value switch
            {
                TimeSpan span => span.ToString("c", CultureInfo.InvariantCulture),
                string s => $"\"{s}\"",
                bool b => b ? "true" : "false",
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value?.ToString() ?? "",
            };
            var type = property.PropertyType == typeof(TimeSpan) ? "duration" : TypeName(RunConfig.JsonOptions, property.PropertyType);
            text.Append(CultureInfo.InvariantCulture, $"| {name} | {type} | {Cell(shown)} | {Cell(XmlDocumentation.Summary(property))} |\n");
        }
    }

    // A nested object of ours is a section with its own fields; anything else (numbers, lists, maps) is one field.
    private static bool IsSection(JsonSerializerOptions options, Type type) =>
        type.Namespace?.StartsWith("Causeway.", StringComparison.Ordinal) == true
        && options.GetTypeInfo(type).Kind == JsonTypeInfoKind.Object;

    private static string TypeName(JsonSerializerOptions options, Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum)
        {
            return string.Join(" \\| ", Enum.GetValues(type).Cast<object>().Select(v => JsonSerializer.Serialize(v, type, options)));
        }

        if (type == typeof(string))
        {
            return "string";
        }

        if (type == typeof(bool))
        {
            return "boolean";
        }

        if (type == typeof(int) || type == typeof(long) || type == typeof(ulong) || type == typeof(uint) || type == typeof(short))
        {
            return "integer";
        }

        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal))
        {
            return "number";
        }

        var info = options.GetTypeInfo(type);
        return info.Kind switch
        {
            JsonTypeInfoKind.Enumerable => $"array of {TypeName(options, info.ElementType!)}",
            JsonTypeInfoKind.Dictionary => $"object of {TypeName(options, info.ElementType!)}",
            JsonTypeInfoKind.Object => IsSection(options, type) ? "object (fields below)" : "object",
            _ => type.Name,
        };
    }

    private static string Default(JsonSerializerOptions options, Type type, object? value) => value switch
    {
        null => "",
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        _ => JsonSerializer.Serialize(value, type, options),
    };

    private static object? TryCreate(Type type)
    {
        try
        {
            return type.GetConstructor(Type.EmptyTypes) is null ? null : Activator.CreateInstance(type);
        }
        catch (TargetInvocationException)
        {
            return null;
        }
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);

    /// <summary>Property summaries from the assemblies' XML documentation files (beside the assemblies), as plain Markdown.</summary>
    private static class XmlDocumentation
    {
        private static readonly Dictionary<Assembly, Dictionary<string, XElement>> s_files = [];

        public static string Summary(MemberInfo? member) => member switch
        {
            Type type => Summary(type.Assembly, $"T:{type.FullName!.Replace('+', '.')}"),
            { DeclaringType: { } declaring } => Summary(declaring.Assembly, $"P:{declaring.FullName!.Replace('+', '.')}.{member.Name}"),
            _ => "",
        };

        private static string Summary(Assembly assembly, string id) =>
            Members(assembly).TryGetValue(id, out var element) && element.Element("summary") is { } summary ? Markdown(summary) : "";

        private static Dictionary<string, XElement> Members(Assembly assembly)
        {
            lock (s_files)
            {
                if (!s_files.TryGetValue(assembly, out var members))
                {
                    var path = Path.ChangeExtension(assembly.Location, ".xml");
                    members = File.Exists(path)
                        ? XDocument.Load(path).Descendants("member").Where(m => m.Attribute("name") is not null)
                            .GroupBy(m => m.Attribute("name")!.Value, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal)
                        : throw new FileNotFoundException($"the XML documentation of {assembly.GetName().Name} is missing ({path}); build with GenerateDocumentationFile");
                    s_files[assembly] = members;
                }

                return members;
            }
        }

        private static string Markdown(XElement element)
        {
            var text = new StringBuilder();
            foreach (var node in element.Nodes())
            {
                text.Append(node switch
                {
                    XText plain => plain.Value,
                    XElement { Name.LocalName: "c" } code => $"`{code.Value}`",
                    XElement { Name.LocalName: "see" } see => see.Attribute("langword")?.Value ?? LastName(see.Attribute("cref")?.Value ?? see.Value),
                    XElement { Name.LocalName: "paramref" or "typeparamref" } reference => reference.Attribute("name")?.Value ?? "",
                    XElement nested => " " + Markdown(nested) + " ",
                    _ => "",
                });
            }

            return string.Join(' ', text.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        }

        // "P:Causeway.Federation.Configuration.RoundConfig.MinResults" → "MinResults"; a method's parameters are dropped.
        private static string LastName(string cref)
        {
            var name = cref.Split('(')[0];
            return name[(name.LastIndexOf('.') + 1)..];
        }
    }
}
