package dev.byoc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.contracts.lifecycle.ClusterStatus;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** How clusters, validation reports and teardown reports read on a terminal. */
public final class Reports {
    private Reports() {
    }

    /** The checks of a cluster ({@code validation.checks}) or of a stream event ({@code checks}). */
    public static JsonNode checks(JsonNode node) {
        JsonNode checks = node.get("checks");
        if (checks == null || checks.isNull()) {
            checks = node.path("validation").get("checks");
        }
        return checks == null || !checks.isArray() ? null : checks;
    }

    public static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    /**
     * The status a wire name stands for, or {@code null} for a missing one or one this CLI does not know
     * (a newer server's): callers treat those as no known status rather than fail. Only the exact wire
     * name matches, unlike {@link ClusterStatus#fromWire}, which also throws on unknown values.
     */
    public static ClusterStatus status(String wire) {
        if (wire != null) {
            for (ClusterStatus status : ClusterStatus.values()) {
                if (status.wire().equals(wire)) {
                    return status;
                }
            }
        }
        return null;
    }

    /**
     * The validation report: one row per check (check, status, message) and, under a check that is
     * not a pass, its remediation.
     */
    public static String checksTable(JsonNode checks, Style style) {
        // since: when the check last changed status (the registry keeps it across re-validations)
        boolean since = checks.findValue("since") != null;
        Table table = since ? new Table("check", "status", "since", "message") : new Table("check", "status", "message");
        for (JsonNode check : checks) {
            String status = text(check, "status");
            Table.Cell id = Table.Cell.of(text(check, "id"));
            Table.Cell statusCell = Table.Cell.of(status, style::check);
            Table.Cell message = Table.Cell.of(text(check, "message"));
            if (since) {
                String changed = text(check, "since");
                table.row(id, statusCell, Table.Cell.of(changed == null ? "" : Humanize.stamp(Humanize.instant(changed))), message);
            } else {
                table.row(id, statusCell, message);
            }
        }
        String[] lines = table.render(style).split("\n");
        StringBuilder out = new StringBuilder(lines[0]).append('\n');
        int i = 1;
        for (JsonNode check : checks) {
            out.append(lines[i++]).append('\n');
            String remediation = text(check, "remediation");
            if (remediation != null && !remediation.isBlank() && !"pass".equals(text(check, "status"))) {
                out.append("    ").append(style.dim("→ fix:")).append(' ').append(remediation).append('\n');
            }
        }
        return out.toString();
    }

    /** The human view of {@code byoc clusters describe}. */
    public static void describe(PrintStream out, JsonNode cluster, Style style, Instant now) {
        JsonNode aws = cluster.path("spec").path("driver").path("kubernetes").path("aws");
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"name", text(cluster, "name")});
        rows.add(new String[] {"id", text(cluster, "id")});
        rows.add(new String[] {"type", text(cluster, "type")});
        String status = text(cluster, "status");
        String reason = text(cluster, "reason");
        rows.add(new String[] {"status", style.status(status) + (reason == null ? "" : " (" + reason + ")")});
        Instant created = Humanize.instant(text(cluster, "createdAt"));
        Instant updated = Humanize.instant(text(cluster, "updatedAt"));
        rows.add(new String[] {"created", Humanize.stamp(created) + " (" + Humanize.ago(created, now) + ")"});
        rows.add(new String[] {"updated", Humanize.stamp(updated) + " (" + Humanize.ago(updated, now) + ")"});
        Instant validated = Humanize.instant(text(cluster, "lastValidatedAt"));
        rows.add(new String[] {"last validated", validated == null ? "not yet"
                : Humanize.stamp(validated) + " (" + Humanize.ago(validated, now) + "; `byoc clusters verify " + text(cluster, "name")
                        + "` runs the checks again)"});
        rows.add(new String[] {"region", text(aws, "region")});
        rows.add(new String[] {"role ARN", text(aws, "role_arn")});
        rows.add(new String[] {"external ID", text(aws, "external_id")});
        rows.add(new String[] {"bucket", text(aws, "bucket_name")});
        rows.add(new String[] {"EKS cluster", text(aws, "eks_cluster_name")});
        List<String> types = new ArrayList<>();
        for (JsonNode type : aws.path("instance_types")) {
            int count = type.path("overprovisioned_ondemand_count").asInt(0);
            types.add(text(type, "name") + (count > 0 ? " (+" + count + " on-demand)" : ""));
        }
        rows.add(new String[] {"instance types", String.join(", ", types)});
        rows.add(new String[] {"performance", profile(text(cluster.path("spec"), "performance_profile"))});
        int width = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0) + 1;
        for (String[] row : rows) {
            out.println(style.bold(pad(row[0] + ":", width)) + " " + (row[1] == null ? "" : row[1]));
        }
        JsonNode checks = checks(cluster);
        out.println();
        if (checks == null || checks.isEmpty()) {
            ClusterStatus known = status(status);
            out.println(style.bold("validation:") + " " + ((known == ClusterStatus.QUEUED || known == ClusterStatus.PENDING)
                    ? "not reported yet" : "no checks recorded"));
        } else {
            out.println(style.bold("validation:"));
            out.print(indent(checksTable(checks, style), "  "));
        }
        JsonNode teardown = cluster.get("teardown");
        if (teardown != null && !teardown.isNull()) {
            out.println();
            out.println(style.bold("teardown:"));
            out.print(indent(teardown(teardown, style), "  "));
        }
    }

    public static String profile(String profile) {
        if (profile == null) {
            return "default";
        }
        return profile.endsWith("COST_SAVING") || profile.equals("cost-saving") ? "cost saving" : "default";
    }

    /** What the teardown removed, what it left behind and why, and the terraform destroy hint. */
    public static String teardown(JsonNode teardown, Style style) {
        StringBuilder out = new StringBuilder();
        JsonNode removed = teardown.path("removed");
        out.append("removed (").append(removed.size()).append("):").append(removed.isEmpty() ? " nothing" : "").append('\n');
        for (JsonNode item : removed) {
            out.append("  ").append(style.green("✓")).append(' ').append(item.asText()).append('\n');
        }
        leftBehind(out, "left behind", teardown, style);
        return out.toString();
    }

    /** What a teardown leaves (or would leave) in the customer's account, each with its reason, then the hint. */
    private static void leftBehind(StringBuilder out, String heading, JsonNode report, Style style) {
        JsonNode left = report.path("leftBehind");
        out.append(heading).append(" (").append(left.size()).append("):").append(left.isEmpty() ? " nothing" : "").append('\n');
        for (JsonNode item : left) {
            out.append("  ").append(style.yellow("•")).append(' ').append(text(item, "resource"));
            String reason = text(item, "reason");
            if (reason != null && !reason.isBlank()) {
                out.append('\n').append("      ").append(reason);
            }
            out.append('\n');
        }
        String hint = text(report, "hint");
        if (hint != null && !hint.isBlank()) {
            out.append(style.bold("next:")).append(' ').append(hint).append('\n');
        }
    }

    /**
     * The human view of {@code byoc delete cluster <name> --dry-run}: how many objects the teardown
     * would remove under the prefix, the first of them, and what it would leave, with the hint.
     */
    public static String teardownPreview(String name, JsonNode preview, Style style) {
        StringBuilder out = new StringBuilder();
        long count = preview.path("objectCount").asLong(0);
        String prefix = text(preview, "prefix");
        JsonNode objects = preview.path("objects");
        out.append(style.bold("dry run:")).append(" deleting cluster '").append(name).append("' would\n");
        if ("ready".equals(text(preview, "outcome"))) {
            out.append("remove ").append(count).append(count == 1 ? " object" : " objects").append(" under ").append(prefix)
                    .append(count == 0 ? " (nothing there)" : ":").append('\n');
            for (JsonNode item : objects) {
                out.append("  ").append(style.red("-")).append(' ').append(item.asText()).append('\n');
            }
            if (count > objects.size()) {
                out.append("  … and ").append(count - objects.size()).append(" more\n");
            }
        } else {
            out.append("remove nothing (").append(text(preview, "outcome")).append("): see why below\n");
        }
        leftBehind(out, "leave behind", preview, style);
        return out.toString();
    }

    /** The failing checks, each with what to do about it (for stderr when a cluster failed). */
    public static List<String> failingChecks(JsonNode node, Style style) {
        List<String> lines = new ArrayList<>();
        JsonNode checks = checks(node);
        if (checks == null) {
            return lines;
        }
        for (JsonNode check : checks) {
            if ("fail".equals(text(check, "status"))) {
                lines.add(style.red("✗") + " " + text(check, "id") + ": " + text(check, "message"));
                String remediation = text(check, "remediation");
                if (remediation != null && !remediation.isBlank()) {
                    lines.add("    fix: " + remediation);
                }
            }
        }
        return lines;
    }

    static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    static String indent(String block, String prefix) {
        StringBuilder out = new StringBuilder();
        for (String line : block.split("\n", -1)) {
            if (!line.isEmpty()) {
                out.append(prefix).append(line);
            }
            out.append('\n');
        }
        String s = out.toString();
        return s.endsWith("\n\n") ? s.substring(0, s.length() - 1) : s;
    }
}
