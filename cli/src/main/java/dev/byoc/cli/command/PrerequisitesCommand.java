package dev.byoc.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.cli.CliException;
import dev.byoc.cli.ExitCodes;
import dev.byoc.cli.Output;
import dev.byoc.cli.Reports;
import dev.byoc.cli.Style;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What to set up in the AWS account before {@code byoc clusters aws}: the platform principal the
 * role must trust, the caller's issued external ID and the trust policy ({@code GET
 * /api/v1/aws/prerequisites}). The one command that shows the full external ID, and only to its
 * owner; everything is printed on stdout so it can be redirected.
 */
@Command(name = "prerequisites", sortOptions = false,
        description = {"Show what your AWS account needs before you register a cluster: the platform principal your role "
                + "must trust, your issued external ID and the role's trust policy.",
            "Your external ID is issued by the platform, the same for all your clusters; a cluster naming another one "
                + "is refused."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  byoc clusters prerequisites",
            "  byoc clusters prerequisites -o tfvars > byoc.auto.tfvars && terraform apply",
            "  byoc clusters prerequisites -o json | jq -r .externalId"})
public class PrerequisitesCommand extends BaseCommand {
    /** Formats of this command: the Terraform variables file instead of YAML. */
    public enum Format {
        table, json, tfvars
    }

    @Option(names = {"-o", "--output"}, paramLabel = "<format>", defaultValue = "table", converter = FormatConverter.class,
            completionCandidates = Formats.class,
            description = "table (default, for reading), json (the API's answer) or tfvars (the Terraform variables, "
                    + "to redirect into a .tfvars file).")
    Format output;

    @Override
    public Integer call() {
        JsonNode body = client().prerequisites();
        switch (output) {
            case json -> Output.json.print(out(), body);
            case tfvars -> {
                String vars = Reports.text(body, "terraformVars");
                if (vars == null) {
                    throw new CliException(ExitCodes.FAILED, "the registry's prerequisites have no terraformVars; "
                            + "use `byoc clusters prerequisites` and write the variables by hand");
                }
                out().print(vars); // exactly the registry's text, so the redirected file is what it sent
            }
            default -> human(body);
        }
        return ExitCodes.OK;
    }

    private void human(JsonNode body) {
        Style style = outStyle();
        String principal = Reports.text(body, "principalArn");
        String externalId = Reports.text(body, "externalId");
        out().println("Your cluster's IAM role must let the platform assume it, only with your external ID.");
        out().println();
        out().println(style.bold("platform principal:") + " " + (principal == null ? "" : principal));
        out().println(style.bold("your external ID:  ") + " " + (externalId == null ? "" : externalId));
        out().println();
        out().println(style.bold("trust policy") + " (the role's assume-role policy):");
        JsonNode policy = body.get("trustPolicy");
        if (policy != null && !policy.isNull()) {
            for (String line : Output.pretty(policy).split("\n")) {
                out().println("  " + line);
            }
        }
        out().println();
        out().println(style.bold("next:") + " put these in the Terraform module:");
        out().println("  byoc clusters prerequisites -o tfvars > byoc.auto.tfvars");
        out().println("  (with Grid's module, set external_id_override = \"" + (externalId == null ? "" : externalId) + "\")");
        out().println("then run `terraform apply` and register what it created (external_id may be left out: yours is used):");
        out().println("  byoc clusters aws <name> --spec-file spec.json --wait");
    }

    static final class Formats implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of("table", "json", "tfvars").iterator();
        }
    }

    /** Like {@link Output.Converter}, with tfvars instead of yaml. */
    public static final class FormatConverter implements CommandLine.ITypeConverter<Format> {
        @Override
        public Format convert(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "table", "text", "human" -> Format.table;
                case "json" -> Format.json;
                case "tfvars", "terraform" -> Format.tfvars;
                default -> throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not an output format here; use table, json or tfvars");
            };
        }
    }
}
