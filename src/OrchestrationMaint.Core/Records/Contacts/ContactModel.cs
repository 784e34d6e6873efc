using Microsoft.EntityFrameworkCore;

namespace OrchestrationMaint.Core.Records.Contacts;

/// <summary>The contacts' table, kept beside the capability so the DbContext needs one line for it.</summary>
internal static class ContactModel
{
    public static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<EscalationContact>(contact =>
    {
        contact.ToTable("EscalationContacts");
        contact.Property(c => c.Name).HasMaxLength(ContactRules.NameMax);
        contact.Property(c => c.Role).HasConversion<string>().HasMaxLength(20);
        contact.Property(c => c.Phone).HasMaxLength(ContactRules.PhoneMax);
        contact.Property(c => c.Email).HasMaxLength(ContactRules.EmailMax);
        contact.Property(c => c.Availability).HasMaxLength(ContactRules.AvailabilityMax);
        contact.Property(c => c.UpdatedBy).HasMaxLength(200);
        contact.Property(c => c.DeletedBy).HasMaxLength(200);
        contact.Property(c => c.Version).IsConcurrencyToken();
        contact.HasIndex(c => new { c.Level, c.Name });
    });
}
