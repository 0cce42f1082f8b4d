package dev.byoc.cli.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.byoc.cli.CliException;
import dev.byoc.cli.Editor;
import dev.byoc.cli.ExitCodes;
import dev.byoc.cli.Reports;
import dev.byoc.contracts.Json;
import dev.byoc.contracts.event.ClusterSpec;
import dev.byoc.contracts.lifecycle.ClusterStatus;
import dev.byoc.contracts.spec.ClusterEdit;
import dev.byoc.contracts.spec.GridClusterRequest;
import dev.byoc.contracts.spec.Violation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "cluster", sortOptions = false,
        description = {"Change a cluster's instance types or performance profile (the rest of the spec is fixed at "
                + "creation), or rotate its IAM role. Without flags, opens the editable part of the spec in $VISUAL / $EDITOR.",
            "An edit makes the platform re-validate the cluster.",
            "--role-arn validates the new role while the cluster keeps running on the old one: it switches only "
                + "if every check passes (else the failed checks are printed and the cluster is unchanged, exit 1); "
                + "after the switch, the check old-credential-revoked warns until the old role's trust policy no "
                + "longer trusts the platform."},
        footerHeading = "%nExamples:%n",
        footer = {"  byoc edit cluster foo-01",
            "  byoc edit cluster foo-01 --instance-types m5.xlarge,g5.xlarge --cost-savings",
            "  byoc edit cluster foo-01 --role-arn arn:aws:iam::123456789012:role/byoc-foo-01-2025"})
public class EditClusterCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "<name>", description = "The cluster's name.")
    String name;

    @Option(names = "--instance-types", split = ",", paramLabel = "<type>",
            description = "The new comma-separated list of instance types (replaces the current list).")
    List<String> instanceTypes;

    @ArgGroup(exclusive = true)
    Profile profile;

    @Option(names = "--role-arn", paramLabel = "<arn>",
            description = "Rotate to this IAM role (alone: not with other changes). Switches only once it is validated.")
    String roleArn;

    /** How long to follow a rotation the registry is still validating (its assume-role retry window is 90 s). */
    static final java.time.Duration ROTATION_FOLLOW = java.time.Duration.ofMinutes(3);

    static final class Profile {
        @Option(names = "--cost-savings", required = true, description = "Switch to the cost-saving performance profile.")
        boolean costSavings;

        @Option(names = "--performance", required = true, description = "Switch to the default (performance) profile.")
        boolean performance;
    }

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        JsonNode cluster = client().get(name);
        String status = Reports.text(cluster, "status");
        ClusterStatus known = Reports.status(status);
        if (known == ClusterStatus.TERMINATING || known == ClusterStatus.DELETED) {
            throw CliException.usage("cluster '" + name + "' is " + status + "; it can no longer be edited");
        }
        ClusterSpec current = specOf(cluster);
        if (roleArn != null) {
            checkUsage((instanceTypes == null || instanceTypes.isEmpty()) && profile == null,
                    "--role-arn comes alone: a new role applies only once validated, other edits at once; edit them separately");
            return rotate(current);
        }
        ObjectNode editable = editable(cluster);
        boolean flags = (instanceTypes != null && !instanceTypes.isEmpty()) || profile != null;
        ObjectNode patch;
        Path kept = null;
        if (flags) {
            patch = fromFlags(editable);
        } else {
            kept = Editor.tempFile("byoc-edit-" + name + "-", editable);
            String edited = Editor.edit(env(), kept, "pass --instance-types / --cost-savings / --performance");
            if (edited.isBlank()) {
                Editor.discard(kept);
                info("the edited document is empty: cluster '" + name + "' unchanged");
                return ExitCodes.OK;
            }
            try {
                JsonNode tree = Json.mapper().readTree(edited);
                if (tree == null || !tree.isObject()) {
                    throw keptEdits(CliException.usage("the edited document must be a JSON object like the one opened"), kept);
                }
                patch = (ObjectNode) tree;
            } catch (JsonProcessingException e) {
                throw keptEdits(CliException.usage("the edited document is not valid JSON: " + e.getOriginalMessage()), kept);
            }
        }
        ClusterEdit.Result result = ClusterEdit.apply(current, patch);
        if (!result.valid()) {
            List<String> lines = result.violations().stream().map(v -> v.path() + ": " + v.message()).toList();
            CliException e = CliException.usage(lines.size() == 1 ? "the edit breaks a rule" : "the edit breaks "
                    + lines.size() + " rules", lines);
            throw kept == null ? e : keptEdits(e, kept);
        }
        if (kept != null) {
            Editor.discard(kept);
        }
        if (result.changed().isEmpty()) {
            info("cluster '" + name + "' unchanged; to run its access checks again with nothing changed, use "
                    + "`byoc clusters verify " + name + "`");
            output.format.print(out(), cluster);
            return ExitCodes.OK;
        }
        JsonNode updated = client().patch(name, patch);
        info("cluster '" + name + "' updated (" + String.join(", ", result.changed().stream().map(EditClusterCommand::label)
                .toList()) + "); the platform re-validates it — follow it with `byoc clusters describe " + name + "`");
        output.format.print(out(), updated);
        return ExitCodes.OK;
    }

    private Integer rotate(ClusterSpec current) {
        ObjectNode patch = Json.mapper().createObjectNode();
        patch.putObject("spec").putObject("driver").putObject("kubernetes").putObject("aws").put("role_arn", roleArn.strip());
        ClusterEdit.Result result = ClusterEdit.apply(current, patch);
        if (!result.valid()) {
            throw CliException.usage(result.violations().stream().map(v -> v.path() + ": " + v.message()).findFirst().orElseThrow());
        }
        if (!result.rotation()) {
            info("cluster '" + name + "' already uses " + current.roleArn() + "; unchanged");
            return ExitCodes.OK;
        }
        info("validating " + result.candidateRoleArn() + "; cluster '" + name + "' keeps running on " + current.roleArn()
                + " meanwhile");
        dev.byoc.cli.RegistryClient.Answer answer = client().rotate(name, patch);
        JsonNode rotation = answer.body().path("rotation");
        long deadline = System.nanoTime() + ROTATION_FOLLOW.toNanos();
        while ("validating".equals(Reports.text(rotation, "status")) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            rotation = client().rotation(name, Reports.text(rotation, "id"));
        }
        String status = Reports.text(rotation, "status");
        String from = Reports.text(rotation, "fromRoleArn");
        if ("failed".equals(status)) {
            JsonNode checks = answer.status() == 422 ? answer.body().path("checks") : rotation.path("checks");
            if (output.format.human()) {
                out().print(Reports.checksTable(checks, outStyle()));
            } else {
                output.format.print(out(), answer.status() == 422 ? answer.body() : rotation);
            }
            info(errStyle().red("rotation failed:") + " " + Reports.text(rotation, "reason") + "; cluster '" + name
                    + "' keeps running on " + from + " — fix what the checks say, then run this command again");
            return ExitCodes.FAILED;
        }
        if ("switched".equals(status)) {
            info("cluster '" + name + "' switched to " + Reports.text(rotation, "roleArn") + " (it ran on " + from + "); "
                    + "the platform re-validates it with the new role. The check old-credential-revoked warns until the "
                    + "trust policy of " + from + " no longer trusts the platform (remove it, or destroy that role), "
                    + "then `byoc clusters verify " + name + "` shows it passing");
            output.format.print(out(), answer.status() == 200 ? answer.body().path("cluster") : client().get(name));
            return ExitCodes.OK;
        }
        info("the platform is still validating " + roleArn + " after " + ROTATION_FOLLOW.toMinutes() + " min; cluster '"
                + name + "' keeps running on " + from + "; see `byoc clusters describe " + name + "` later");
        return ExitCodes.TIMEOUT;
    }

    private ObjectNode fromFlags(ObjectNode editable) {
        ObjectNode patch = Json.mapper().createObjectNode();
        ObjectNode specNode = patch.putObject("spec");
        if (profile != null) {
            specNode.put("performance_profile", profile.costSavings ? GridClusterRequest.PROFILE_COST_SAVING
                    : GridClusterRequest.PROFILE_DEFAULT);
        }
        if (instanceTypes != null && !instanceTypes.isEmpty()) {
            JsonNode existing = editable.path("spec").path("driver").path("kubernetes").path("aws").path("instance_types");
            ArrayNode types = specNode.putObject("driver").putObject("kubernetes").putObject("aws").putArray("instance_types");
            for (String type : instanceTypes.stream().map(String::strip).filter(s -> !s.isEmpty()).toList()) {
                int count = 0;
                for (JsonNode e : existing) {
                    if (type.equals(e.path("name").asText())) {
                        count = e.path("overprovisioned_ondemand_count").asInt(0); // keep what was set for a kept type
                    }
                }
                types.addObject().put("name", type).put("overprovisioned_ondemand_count", count);
            }
        }
        return patch;
    }

    /** The part of the spec an edit may change, in the Grid shape: what the editor shows. */
    static ObjectNode editable(JsonNode cluster) {
        JsonNode spec = cluster.path("spec");
        ObjectNode doc = Json.mapper().createObjectNode();
        ObjectNode specNode = doc.putObject("spec");
        String profile = Reports.text(spec, "performance_profile");
        specNode.put("performance_profile", profile == null ? GridClusterRequest.PROFILE_DEFAULT : profile);
        JsonNode types = spec.path("driver").path("kubernetes").path("aws").path("instance_types");
        specNode.putObject("driver").putObject("kubernetes").putObject("aws")
                .set("instance_types", types.isArray() ? types.deepCopy() : Json.mapper().createArrayNode());
        return doc;
    }

    /** The cluster's spec as the API shows it (its masked external ID is not part of the spec: an edit never needs it). */
    static ClusterSpec specOf(JsonNode cluster) {
        JsonNode spec = cluster.path("spec");
        JsonNode aws = spec.path("driver").path("kubernetes").path("aws");
        List<Violation> ignored = new ArrayList<>();
        List<ClusterSpec.InstanceType> types = GridClusterRequest.instanceTypes(aws.get("instance_types"),
                GridClusterRequest.AWS + ".instance_types", ignored);
        String profile = GridClusterRequest.performanceProfile(Reports.text(spec, "performance_profile"),
                "spec.performance_profile", ignored);
        return new ClusterSpec(Reports.text(aws, "region"), Reports.text(aws, "role_arn"),
                Reports.text(aws, "bucket_name"), Reports.text(aws, "eks_cluster_name"),
                types == null ? GridClusterRequest.DEFAULT_INSTANCE_TYPES : types,
                profile == null ? ClusterSpec.PROFILE_DEFAULT : profile, spec.path("strict_validation").asBoolean(false));
    }

    private static String label(String field) {
        return switch (field) {
            case "instanceTypes" -> "instance types";
            case "performanceProfile" -> "performance profile";
            default -> field;
        };
    }

    private static CliException keptEdits(CliException e, Path kept) {
        return e.withDetail("your edits are kept in " + kept);
    }
}
