using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OrchestrationMaint.Migrations
{
    /// <inheritdoc />
    public partial class MetricsAnchor : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<byte[]>(
                name: "Anchor",
                table: "MetricsState",
                type: "BLOB",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Anchor",
                table: "MetricsState");
        }
    }
}
