namespace OrchestrationMaint.Core.Access;

/// <summary>An action refused because of who asked; the message says why and whom to ask, and the attempt is already audited.</summary>
public sealed class AccessDeniedException(string message) : Exception(message);
