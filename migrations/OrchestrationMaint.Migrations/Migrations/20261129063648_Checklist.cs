using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OrchestrationMaint.Migrations
{
    /// <inheritdoc />
    public partial class Checklist : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ChecklistItems",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Guidance = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    Cadence = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    TaskKey = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    AutoTick = table.Column<bool>(type: "INTEGER", nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    SeedKey = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    SortOrder = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    TrackedSince = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    UpdatedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    RetiredAt = table.Column<long>(type: "INTEGER", nullable: true),
                    RetiredBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ChecklistItems", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ChecklistTicks",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ItemId = table.Column<long>(type: "INTEGER", nullable: false),
                    Cadence = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    PeriodKey = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    PeriodStart = table.Column<long>(type: "INTEGER", nullable: false),
                    ItemTitle = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    TickedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    TickedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Note = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    RunId = table.Column<long>(type: "INTEGER", nullable: true),
                    RunTaskKey = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    MaintenanceRecordId = table.Column<long>(type: "INTEGER", nullable: true),
                    Automatic = table.Column<bool>(type: "INTEGER", nullable: false),
                    UntickedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    UntickedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ChecklistTicks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ChecklistTicks_ChecklistItems_ItemId",
                        column: x => x.ItemId,
                        principalTable: "ChecklistItems",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_ChecklistTicks_MaintenanceRecords_MaintenanceRecordId",
                        column: x => x.MaintenanceRecordId,
                        principalTable: "MaintenanceRecords",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Runs_TaskKey_State_FinishedAt",
                table: "Runs",
                columns: new[] { "TaskKey", "State", "FinishedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ChecklistItems_RetiredAt_SortOrder",
                table: "ChecklistItems",
                columns: new[] { "RetiredAt", "SortOrder" });

            migrationBuilder.CreateIndex(
                name: "IX_ChecklistItems_SeedKey",
                table: "ChecklistItems",
                column: "SeedKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ChecklistTicks_ItemId_PeriodKey",
                table: "ChecklistTicks",
                columns: new[] { "ItemId", "PeriodKey" },
                unique: true,
                filter: "\"UntickedAt\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_ChecklistTicks_ItemId_TickedAt",
                table: "ChecklistTicks",
                columns: new[] { "ItemId", "TickedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ChecklistTicks_MaintenanceRecordId",
                table: "ChecklistTicks",
                column: "MaintenanceRecordId");

            migrationBuilder.CreateIndex(
                name: "IX_ChecklistTicks_RunId",
                table: "ChecklistTicks",
                column: "RunId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ChecklistTicks");

            migrationBuilder.DropTable(
                name: "ChecklistItems");

            migrationBuilder.DropIndex(
                name: "IX_Runs_TaskKey_State_FinishedAt",
                table: "Runs");
        }
    }
}
