package dev.byoc.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.byoc.cli.CliException;
import dev.byoc.cli.Editor;
import dev.byoc.cli.ExitCodes;
import dev.byoc.cli.Reports;
import dev.byoc.cli.SpecInput;
import dev.byoc.cli.Waiter;
import dev.byoc.contracts.spec.GridClusterRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "aws", sortOptions = false,
        description = {"Register a cluster in your AWS account: what the Terraform module created (EKS cluster, S3 bucket, "
                + "IAM role trusting the platform with your issued external ID; see `byoc clusters prerequisites`).",
            "The spec comes from the flags, from --spec-file (the module's JSON output, pasted unchanged), or from "
                + "your editor (--edit-before-creation). It is checked with the platform's own rules before anything "
                + "is sent."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  byoc clusters prerequisites      # first: what your IAM role must trust",
            "  byoc clusters aws foo-01 --spec-file spec.json --wait",
            "  terraform output -json byoc_cluster | byoc clusters aws --spec-file -",
            "  byoc clusters aws foo-01 --region us-east-1 \\",
            "      --role-arn arn:aws:iam::123456789012:role/byoc-foo-01 \\",
            "      --bucket-name foo-01-byoc --instance-types m5.xlarge,g4dn.xlarge --wait",
            "  byoc clusters aws foo-01 --role-arn … --edit-before-creation"})
public class AwsCommand extends BaseCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "<name>",
            description = "The cluster's name (lower-case letters, digits, '-', '.'); optional when the spec file has one.")
    String name;

    @Option(names = "--region", paramLabel = "<region>", description = "AWS region of the EKS cluster, e.g. us-east-1.")
    String region;

    @Option(names = "--role-arn", paramLabel = "<arn>", description = "The IAM role the platform assumes.")
    String roleArn;

    @Option(names = "--external-id", paramLabel = "<id>",
            description = "Optional: defaults to your issued external ID; see byoc clusters prerequisites. "
                    + "If given (as with Grid's CLI) it must be that ID; checked before anything is sent.")
    String externalId;

    @Option(names = {"--bucket-name", "--bucket"}, paramLabel = "<bucket>", description = "The S3 bucket for the platform.")
    String bucketName;

    @Option(names = "--eks-cluster-name", paramLabel = "<eks>", description = "The EKS cluster's name (default: <name>).")
    String eksClusterName;

    @Option(names = "--instance-types", split = ",", paramLabel = "<type>",
            description = "Comma-separated EC2 instance types, e.g. m5.xlarge,g4dn.xlarge (default m5.xlarge).")
    List<String> instanceTypes;

    @Option(names = "--cost-savings", description = "Use the cost-saving performance profile.")
    boolean costSavings;

    @Option(names = "--spec-file", paramLabel = "<file>",
            description = "The cluster spec JSON (Terraform's output); '-' reads stdin. Flags fill in what it leaves out "
                    + "and must agree with what it says.")
    String specFile;

    @Option(names = "--edit-before-creation", description = "Open the spec in $VISUAL / $EDITOR before sending it.")
    boolean edit;

    @Mixin
    WaitOptions waiting;

    @Option(names = "--dry-run", description = "Have the registry check the spec; create nothing.")
    boolean dryRun;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        waiting.check();
        checkUsage(!(waiting.wait && dryRun), "--wait cannot be combined with --dry-run");
        List<String> types = instanceTypes == null ? null
                : instanceTypes.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
        SpecInput.Flags flags = new SpecInput.Flags(name, region, roleArn, externalId, bucketName, eksClusterName, types,
                costSavings);
        List<String> notes = new ArrayList<>();
        ObjectNode doc;
        boolean fromFlags;
        String source;
        if (specFile != null) {
            source = specFile.equals("-") ? "stdin" : specFile;
            doc = SpecInput.merge(SpecInput.read(readSpec(), source, notes), flags, source);
            fromFlags = false;
        } else {
            checkUsage(name != null || edit,
                    "give the cluster name (byoc clusters aws <name> …) or a spec file (--spec-file spec.json)");
            doc = SpecInput.fromFlags(flags, edit);
            fromFlags = true;
            source = "the flags";
        }
        notes.forEach(this::info);
        Path kept = null;
        if (edit) {
            kept = Editor.tempFile("byoc-cluster-", doc);
            String edited = Editor.edit(env(), kept, null);
            if (edited.isBlank()) {
                Editor.discard(kept);
                throw CliException.usage("the edited spec is empty; nothing was sent");
            }
            try {
                doc = SpecInput.read(edited, "the edited spec", new ArrayList<>());
            } catch (CliException e) {
                throw keptEdits(e, kept);
            }
            fromFlags = false;
            source = "the edited spec";
        }
        JsonNode docName = doc.get("name");
        if ((docName == null || docName.isNull() || docName.asText().isEmpty()) && name != null) {
            doc.put("name", name);
        }
        GridClusterRequest.Parsed parsed;
        try {
            parsed = SpecInput.validate(doc, fromFlags, source);
        } catch (CliException e) {
            throw kept == null ? e : keptEdits(e, kept);
        }
        // nothing has touched the network until here
        String clusterName = parsed.name();
        JsonNode created;
        try {
            if (parsed.externalId() != null) {
                // the registry refuses it too (400); checking here first names the flag or the file it came
                // from, and no request carrying someone else's ID is ever sent
                SpecInput.checkExternalId(parsed, issuedExternalId(), externalId != null && !edit, source);
            } else {
                SpecInput.dropEmptyExternalId(doc);
            }
            created = client().create(doc, dryRun);
        } catch (CliException e) {
            throw kept == null ? e : keptEdits(e, kept);
        }
        if (kept != null) {
            Editor.discard(kept);
        }
        if (dryRun) {
            info("dry run: the registry accepts cluster '" + clusterName + "'; nothing was created");
            output.format.print(out(), created);
            return ExitCodes.OK;
        }
        info("cluster '" + clusterName + "' registered (id " + Reports.text(created, "id") + "), status "
                + errStyle().status(Reports.text(created, "status")));
        if (!waiting.wait) {
            info("follow it with `byoc clusters describe " + clusterName + "`, or register with --wait next time");
            output.format.print(out(), created);
            return ExitCodes.OK;
        }
        Waiter.Outcome outcome = new Waiter(env(), client()).await(clusterName, Reports.text(created, "id"),
                Waiter.Goal.RUNNING, waiting.timeout, null);
        return WaitReports.created(this, clusterName, outcome, output.format, waiting.timeout);
    }

    /** The caller's issued external ID, from the registry's prerequisites (never printed here). */
    private String issuedExternalId() {
        String issued = Reports.text(client().prerequisites(), "externalId");
        if (issued == null || issued.isEmpty()) {
            throw new CliException(ExitCodes.FAILED, "the registry's prerequisites (GET /api/v1/aws/prerequisites) name "
                    + "no external ID; cannot check --external-id / external_id; leave it out to use your issued one");
        }
        return issued;
    }

    private String readSpec() {
        try {
            if (specFile.equals("-")) {
                return new String(env().in().readAllBytes(), StandardCharsets.UTF_8);
            }
            return Files.readString(Path.of(specFile), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw CliException.usage("no such spec file: " + specFile);
        } catch (IOException e) {
            throw CliException.usage("cannot read " + (specFile.equals("-") ? "stdin" : specFile) + ": " + e.getMessage());
        }
    }

    private static CliException keptEdits(CliException e, Path kept) {
        return e.withDetail("your edits are kept in " + kept + "; fix them and run `byoc clusters aws --spec-file " + kept
                + "`");
    }
}
