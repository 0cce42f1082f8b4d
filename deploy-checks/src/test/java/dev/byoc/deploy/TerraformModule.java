package dev.byoc.deploy;

import com.bertramlabs.plugins.hcl4j.HCLParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The customer's module, deploy/terraform/aws-byoc, read with a real HCL parser (hcl4j): its
 * files as written (references kept as text, e.g. {@code var.external_id}), and the module
 * evaluated with a variables file the way {@code terraform apply} would, with the two data sources
 * and the role's ARN answered as AWS would for the given account.
 */
final class TerraformModule {
    static final Path DIR = Repo.path("deploy/terraform/aws-byoc");
    static final Path EXAMPLE_TFVARS = DIR.resolve("examples/example.tfvars");
    private static final ObjectMapper JSON = new ObjectMapper();

    private TerraformModule() {
    }

    static List<Path> tfFiles() {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.filter(f -> f.toString().endsWith(".tf")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every .tf file, concatenated (one module = one namespace). */
    static String allText() {
        StringBuilder all = new StringBuilder();
        for (Path file : tfFiles()) {
            all.append(text(file)).append('\n');
        }
        return all.toString();
    }

    /**
     * The module without its variable declarations, parsed: hcl4j then leaves every {@code var.x}
     * (and what depends on one) as its text, which is what the structural checks read.
     */
    static String structureText() {
        StringBuilder all = new StringBuilder();
        for (Path file : tfFiles()) {
            if (!file.getFileName().toString().equals("variables.tf")) {
                all.append(text(file)).append('\n');
            }
        }
        return all.toString();
    }

    /** HCL text parsed; a reference hcl4j cannot resolve stays as its text. */
    static Map<String, Object> parse(String hcl) {
        try {
            return new HCLParser().parse(hcl, false);
        } catch (Exception e) {
            throw new IllegalStateException("not valid HCL: " + e.getMessage(), e);
        }
    }

    static Map<String, Object> parseFile(Path file) {
        try {
            return parse(text(file));
        } catch (IllegalStateException e) {
            throw new IllegalStateException(file + " is " + e.getMessage(), e);
        }
    }

    /** A .tfvars file: name to value. */
    static Map<String, Object> tfvars(String text) {
        return parse(text);
    }

    /**
     * The module evaluated with these variables (tfvars values over the declared defaults), in an
     * account of {@code accountId} in partition aws.
     */
    static Map<String, Object> evaluate(String moduleText, Map<String, Object> vars, String accountId) {
        HCLParser parser = new HCLParser();
        parser.setVariables(new HashMap<>(vars));
        parser.registerDataLookup("aws_caller_identity", props -> new HashMap<>(Map.of("account_id", accountId,
                "arn", "arn:aws:iam::" + accountId + ":user/terraform")));
        parser.registerDataLookup("aws_partition", props -> new HashMap<>(Map.of("partition", "aws")));
        try {
            return parser.parse(moduleText, false);
        } catch (Exception e) {
            throw new IllegalStateException("the module does not evaluate: " + e.getMessage(), e);
        }
    }

    /** The value of output {@code name} as JSON, computed attributes filled in as AWS would. */
    static JsonNode output(String name, Map<String, Object> vars, String accountId) {
        return output(allText(), name, vars, accountId);
    }

    @SuppressWarnings("unchecked")
    static JsonNode output(String moduleText, String name, Map<String, Object> vars, String accountId) {
        Map<String, Object> module = evaluate(moduleText, vars, accountId);
        Map<String, Object> outputs = (Map<String, Object>) module.get("output");
        Map<String, Object> output = (Map<String, Object>) outputs.get(name);
        if (output == null) {
            throw new AssertionError("no output " + name);
        }
        Map<String, Object> role = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) module.get("resource"))
                .get("aws_iam_role")).get("byoc");
        // what AWS answers for the role the module creates (no path): arn:aws:iam::<account>:role/<name>
        Map<String, String> computed = Map.of("aws_iam_role.byoc.arn", "arn:aws:iam::" + accountId + ":role/" + role.get("name"));
        return JSON.valueToTree(normalize(output.get("value"), computed));
    }

    /** HCL numbers come back as doubles; Terraform prints whole numbers as integers. */
    private static Object normalize(Object value, Map<String, String> computed) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), normalize(v, computed)));
            return copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>();
            list.forEach(v -> copy.add(normalize(v, computed)));
            return copy;
        }
        if (value instanceof Double d && d == Math.rint(d) && !d.isInfinite()) {
            return d.longValue();
        }
        if (value instanceof String s && computed.containsKey(s)) {
            return computed.get(s);
        }
        if (value != null && !(value instanceof String) && !(value instanceof Number) && !(value instanceof Boolean)) {
            // a reference hcl4j could not resolve (its VariableTree): the computed value, or its text
            String reference = value.toString();
            return computed.getOrDefault(reference, reference);
        }
        return value;
    }
}
