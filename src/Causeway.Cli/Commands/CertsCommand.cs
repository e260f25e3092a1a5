using System.CommandLine;
using Causeway.Protocol.Security;
using Spectre.Console;

namespace Causeway.Cli.Commands;

/// <summary><c>causeway certs</c>: a federation CA, a coordinator server certificate and party client certificates.</summary>
internal static class CertsCommand
{
    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Directory for the PEM files.", DefaultValueFactory = _ => new DirectoryInfo("certs"), HelpName = "DIR" };
        var federation = new Option<string>("--federation") { Description = "The federation's name (the CA's subject).", DefaultValueFactory = _ => "causeway" };
        var parties = new Option<string[]>("--party") { Description = "Issue a client certificate for this party id (repeatable).", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [] };
        var hosts = new Option<string[]>("--host") { Description = "A further host name or IP address of the coordinator for its server certificate (repeatable; localhost is always included).", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [] };
        var days = new Option<int>("--days") { Description = "Validity in days.", DefaultValueFactory = _ => 365 };
        var command = new Command("certs", "Create a federation CA, a coordinator server certificate and client certificates for parties (PEM).")
        {
            output, federation, parties, hosts, days,
        };
        command.SetAction(parse =>
        {
            var files = DevCertificates.CreateDevelopmentSet(
                parse.GetValue(output)!.FullName, parse.GetValue(federation)!, parse.GetValue(parties)!, TimeSpan.FromDays(parse.GetValue(days)), parse.GetValue(hosts));
            var table = new Table().AddColumns("file", "path");
            table.AddRow("federation CA", files.CaCertificate);
            table.AddRow("CA key (keep secret)", files.CaKey);
            table.AddRow("server certificate", files.ServerCertificate);
            table.AddRow("server key", files.ServerKey);
            foreach (var party in files.Parties)
            {
                table.AddRow($"party {Markup.Escape(party.PartyId)}", $"{party.Certificate} + key");
            }

            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }
}
