using System.Net.Mail;

namespace OrchestrationMaint.Core.Records.Contacts;

/// <summary>What the operator typed into the contact form.</summary>
public sealed record ContactDraft(int Level, string Name, ContactRole Role, string Phone, string Email, string Availability, bool Active)
{
    public static ContactDraft Empty => new(EscalationLevels.Lowest, "", ContactRole.Primary, "", "", "", true);

    public static ContactDraft From(EscalationContact contact) =>
        new(contact.Level, contact.Name, contact.Role, contact.Phone, contact.Email, contact.Availability, contact.Active);
}

/// <summary>
/// The contact form's rules, used by the form as the operator types and by <see cref="ContactBook"/>
/// before anything is stored, so the two can never disagree.
/// </summary>
public static class ContactRules
{
    public const int NameMax = 100;
    public const int PhoneMax = 32;
    public const int EmailMax = 254;
    public const int AvailabilityMax = 500;
    public const int PhoneMinDigits = 3;
    public const int PhoneMaxDigits = 15;

    public static IReadOnlyList<FieldError> Validate(ContactDraft draft)
    {
        var errors = new List<FieldError>();
        if (draft.Level is < EscalationLevels.Lowest or > EscalationLevels.Highest)
        {
            errors.Add(new FieldError(nameof(draft.Level), $"The level must be 1, 2 or 3 (it is {draft.Level})."));
        }

        if (!Enum.IsDefined(draft.Role))
        {
            errors.Add(new FieldError(nameof(draft.Role), "The role must be primary, secondary or emergency."));
        }

        TextRules.Check(errors, nameof(draft.Name), "Name", draft.Name, NameMax, required: true);
        TextRules.Check(errors, nameof(draft.Availability), "Availability", draft.Availability, AvailabilityMax, required: false, singleLine: false);
        var phone = TextRules.Normalize(draft.Phone);
        var email = TextRules.Normalize(draft.Email);
        if (phone.Length == 0 && email.Length == 0)
        {
            // Someone who cannot be reached is no escalation contact; either way of reaching them will do.
            errors.Add(new FieldError(nameof(draft.Phone), "Give a phone number or an email address (or both)."));
        }

        if (phone.Length > 0 && PhoneProblem(phone) is { } phoneProblem)
        {
            errors.Add(new FieldError(nameof(draft.Phone), phoneProblem));
        }

        if (email.Length > 0 && EmailProblem(email) is { } emailProblem)
        {
            errors.Add(new FieldError(nameof(draft.Email), emailProblem));
        }

        return errors;
    }

    /// <summary>
    /// A permissive E.164-like rule: an optional leading <c>+</c>, then digits, with spaces, hyphens,
    /// dots, slashes and parentheses allowed as separators; 3 to 15 digits in all (E.164's maximum is
    /// 15; 3 lets internal extensions through). Letters and extensions ("ext. 12") are refused: a
    /// <c>tel:</c> link cannot dial them, so they belong in the availability notes.
    /// </summary>
    public static string? PhoneProblem(string phone)
    {
        if (phone.Length > PhoneMax)
        {
            return $"Phone is {phone.Length} characters long; the limit is {PhoneMax}.";
        }

        var digits = 0;
        for (var i = 0; i < phone.Length; i++)
        {
            var c = phone[i];
            if (char.IsAsciiDigit(c))
            {
                digits++;
            }
            else if (c == '+')
            {
                if (i != 0)
                {
                    return "Phone: a + may only start the number, as in +49 30 1234567.";
                }
            }
            else if (c is not (' ' or '-' or '.' or '/' or '(' or ')'))
            {
                return $"Phone: '{c}' is not allowed. Use digits, an optional leading +, and spaces, hyphens, dots or parentheses (put an extension in the availability notes).";
            }
        }

        return digits is < PhoneMinDigits or > PhoneMaxDigits
            ? $"Phone has {digits} digit(s); a phone number has {PhoneMinDigits} to {PhoneMaxDigits} (E.164), as in +49 30 1234567."
            : null;
    }

    /// <summary>
    /// The address must parse as <see cref="MailAddress"/> on its own (no display name, no angle
    /// brackets) and its domain must hold a dot: "ops@example" is almost always a typo of "ops@example.com".
    /// </summary>
    public static string? EmailProblem(string email)
    {
        if (email.Length > EmailMax)
        {
            return $"Email is {email.Length} characters long; the limit is {EmailMax}.";
        }

        if (!MailAddress.TryCreate(email, out var address) || address.Address != email || address.DisplayName.Length > 0 || email.Any(char.IsWhiteSpace))
        {
            return $"'{email}' is not an email address; write it as name@example.com.";
        }

        var host = address.Host;
        return !host.Contains('.', StringComparison.Ordinal) || host.StartsWith('.') || host.EndsWith('.')
            ? $"'{email}' has no complete domain after the @ (like example.com)."
            : null;
    }

    /// <summary>The number as a <c>tel:</c> link dials it: the leading + and the digits.</summary>
    public static string TelUri(string phone) => "tel:" + new string([.. phone.Where(c => c == '+' || char.IsAsciiDigit(c))]);
}
