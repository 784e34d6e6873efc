using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using OrchestrationMaint.Core.Access;
using OrchestrationMaint.Web.Auth;

namespace OrchestrationMaint.Web.Api;

/// <summary>Sign-out (a form POST with its antiforgery token) and the audit trail's CSV export (Admins).</summary>
public static class AccessApi
{
    public static void MapAccessApi(this IEndpointRouteBuilder endpoints)
    {
        // [FromForm] makes the endpoint validate the antiforgery token: another site cannot sign an operator out.
        endpoints.MapPost(AppUrls.Logout, async ([FromForm] string? returnUrl, HttpContext context, SignInManager<AppUser> signIn, AuditLog audit) =>
        {
            if (ActorClaims.ToActor(context.User, context.Connection.RemoteIpAddress?.ToString()) is { } actor)
            {
                await audit.WriteAsync(actor, "signout", AuditOutcome.Succeeded, actor.Name);
            }

            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect(AppUrls.Login);
        }).AllowAnonymous();

        endpoints.MapGet(AppUrls.AuditCsv, async (string? actor, string? action, string? outcome, DateOnly? from, DateOnly? to, HttpContext context, AccessGuard guard, AuditLog audit) =>
        {
            var who = ActorClaims.ToActor(context);
            if (await guard.RefusalAsync(who, Role.Admin, "export the audit trail", context.RequestAborted) is { } refusal)
            {
                await audit.WriteAsync(who, "audit.exported", AuditOutcome.Denied, null, refusal);
                return Results.Problem(refusal, statusCode: StatusCodes.Status403Forbidden, title: "Admins only");
            }

            var filter = new AuditFilter(actor, action, Enum.TryParse<AuditOutcome>(outcome, ignoreCase: true, out var parsed) ? parsed : null, from, to);
            await audit.WriteAsync(who, "audit.exported", AuditOutcome.Succeeded, null, $"actor={actor}; action={action}; outcome={outcome}; from={from}; to={to}");
            context.Response.ContentType = "text/csv; charset=utf-8";
            context.Response.Headers.ContentDisposition = $"attachment; filename=\"audit-{DateTime.UtcNow:yyyyMMdd-HHmmss}.csv\"";
            await using var writer = new StreamWriter(context.Response.Body, new System.Text.UTF8Encoding(false));
            await audit.WriteCsvAsync(filter, writer, context.RequestAborted);
            return Results.Empty;
        });
    }
}
