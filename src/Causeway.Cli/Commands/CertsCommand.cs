using System.CommandLine;
using Causeway.Cli.Output;
using Causeway.Protocol.Security;
using Spectre.Console;

namespace Causeway.Cli.Commands;

/// <summary>
/// <c>causeway certs</c>: the federation CA (made once, then reused), the coordinator's server certificate and party
/// client certificates; <c>causeway certs add-party ID</c>: one more party certificate from the existing CA.
/// </summary>
internal static class CertsCommand
{
    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "The certificate folder.", DefaultValueFactory = _ => new DirectoryInfo("certs"), HelpName = "DIR", Recursive = true };
        var days = new Option<int>("--days") { Description = "Validity in days of the certificates made now (never past the CA's end).", DefaultValueFactory = _ => 365, Recursive = true };
        var federation = new Option<string>("--federation") { Description = "The federation's name (the subject of a CA made now).", DefaultValueFactory = _ => "causeway" };
        var parties = new Option<string[]>("--party") { Description = "Issue a client certificate for this party id (repeatable).", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [] };
        var hosts = new Option<string[]>("--host") { Description = "A further host name or IP address of the coordinator for its server certificate (repeatable; localhost is always included; a new one issues the server certificate again, keeping its names).", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [] };
        var renewServer = new Option<bool>("--renew-server") { Description = "Issue the server certificate again even when the one in --out is still good." };
        var force = new Option<bool>("--force") { Description = "Replace the federation CA in --out with a new one. Every party then needs the new ca.crt.pem; the server and party certificates in --out are issued again." };
        var command = new Command(
            "certs",
            "Create the federation CA, the coordinator's server certificate and party client certificates (PEM). An existing CA in --out is reused, "
            + "so the ca.crt.pem already handed to parties stays valid; --force replaces it.")
        {
            output, days, federation, parties, hosts, renewServer, force,
        };
        command.SetAction(parse =>
        {
            var folder = new CertificateFolder(parse.GetValue(output)!.FullName);
            var result = folder.Prepare(new CertificateSetRequest
            {
                Federation = parse.GetValue(federation)!,
                Hosts = parse.GetValue(hosts)!,
                Parties = parse.GetValue(parties)!,
                Validity = Validity(parse.GetValue(days)),
                ReplaceAuthority = parse.GetValue(force),
                RenewServer = parse.GetValue(renewServer),
            });
            Write(folder, result, "or replace it with a new CA with --force (every party then needs the new ca.crt.pem)");
            if (result.ReplacedAuthority)
            {
                AnsiConsole.MarkupLine(Markup.Escape(
                    $"replaced the federation CA: give the new {folder.CaCertificate} to every party and the coordinator; certificates of the old CA no longer verify"));
            }

            return 0;
        });

        var partyId = new Argument<string>("ID") { Description = "The party's id (the certificate's common name; the party joins with --id ID)." };
        var addParty = new Command("add-party", "Issue one more party client certificate from the CA in --out (the CA and the server certificate stay as they are).") { partyId };
        addParty.SetAction(parse =>
        {
            var folder = new CertificateFolder(parse.GetValue(output)!.FullName);
            var hint = File.Exists(folder.CaCertificate) || File.Exists(folder.CaKey)
                ? $"restore it, or make a new CA with `causeway certs --out {folder.Directory} --force` (every party then needs the new ca.crt.pem)"
                : $"create the CA first with `causeway certs --out {folder.Directory}`";
            Write(folder, folder.AddParty(parse.GetValue(partyId)!, Validity(parse.GetValue(days))), hint);
            return 0;
        });
        command.Subcommands.Add(addParty);
        return command;
    }

    private static TimeSpan Validity(int days) =>
        days >= 1 ? TimeSpan.FromDays(days) : throw new CliException($"--days must be at least 1, got {days}", hint: null, exitCode: 2);

    // One row per file and what was done to it; keys sit beside their certificates (the CA's: keep it secret).
    private static void Write(CertificateFolder folder, CertificateFolderResult result, string hint)
    {
        if (result.Error is { } error)
        {
            throw new CliException(error, hint);
        }

        var table = new Table().AddColumns("file", "path", "", "note");
        foreach (var change in result.Changes)
        {
            table.AddRow(
                Markup.Escape(change.What),
                Markup.Escape(change.Certificate),
                change.Action.ToString().ToLowerInvariant(),
                Markup.Escape(change.Note ?? string.Empty));
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(Markup.Escape($"keys are beside their certificates (*.key.pem); keep {Path.GetFileName(folder.CaKey)} secret and give parties only {Path.GetFileName(folder.CaCertificate)}"));
    }
}
