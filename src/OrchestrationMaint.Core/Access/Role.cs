namespace OrchestrationMaint.Core.Access;

/// <summary>
/// What someone may do, each role including the one below it. Viewer sees everything and changes
/// nothing; Operator runs read-only and routine work, records and creates backups; Admin does what
/// can destroy work or lock people out (restores, cleanups, permission fixes, updates, settings,
/// schedules, users, API keys).
/// </summary>
public enum Role
{
    Viewer = 0,
    Operator = 1,
    Admin = 2,
}
