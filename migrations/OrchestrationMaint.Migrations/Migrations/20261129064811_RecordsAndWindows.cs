using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OrchestrationMaint.Migrations
{
    /// <inheritdoc />
    public partial class RecordsAndWindows : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_MaintenanceRecords_At",
                table: "MaintenanceRecords");

            migrationBuilder.AddColumn<long>(
                name: "EnteredAt",
                table: "MaintenanceRecords",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Notes",
                table: "MaintenanceRecords",
                type: "TEXT",
                maxLength: 4000,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "MaintenanceWindows",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Start = table.Column<long>(type: "INTEGER", nullable: false),
                    End = table.Column<long>(type: "INTEGER", nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    AnnouncedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    AnnouncedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CancelledAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CancelledBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    StartRecorded = table.Column<bool>(type: "INTEGER", nullable: false),
                    EndRecorded = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MaintenanceWindows", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_MaintenanceRecords_At_Id",
                table: "MaintenanceRecords",
                columns: new[] { "At", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_MaintenanceWindows_Start",
                table: "MaintenanceWindows",
                column: "Start");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "MaintenanceWindows");

            migrationBuilder.DropIndex(
                name: "IX_MaintenanceRecords_At_Id",
                table: "MaintenanceRecords");

            migrationBuilder.DropColumn(
                name: "EnteredAt",
                table: "MaintenanceRecords");

            migrationBuilder.DropColumn(
                name: "Notes",
                table: "MaintenanceRecords");

            migrationBuilder.CreateIndex(
                name: "IX_MaintenanceRecords_At",
                table: "MaintenanceRecords",
                column: "At");
        }
    }
}
