namespace OrchestrationMaint.Core.Persistence;

/// <summary>LIKE patterns with "\" as the escape character: a % or _ the operator types is looked for as itself.</summary>
public static class SqlLike
{
    public const string Escape = "\\";

    /// <remarks>SQLite's LIKE ignores case for ASCII letters only.</remarks>
    public static string Contains(string text) => "%" + text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
}
