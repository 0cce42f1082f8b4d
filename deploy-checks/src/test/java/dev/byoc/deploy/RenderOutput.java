package dev.byoc.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code terraform output -json byoc_cluster} without Terraform or AWS: the module's output evaluated
 * the way the tests do, with the given .tfvars files (arguments, or the system property
 * {@code byoc.tfvars}, space-separated; later ones win) in the sandbox account
 * 111122223333, printed on stdout. For the walk-through on a machine without AWS:
 *
 * <pre>
 * bin/byoc clusters prerequisites -o tfvars &gt; .byoc/byoc.auto.tfvars
 * ./mvnw -o -q -f deploy-checks/pom.xml test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=dev.byoc.deploy.RenderOutput \
 *   -Dbyoc.tfvars="$PWD/deploy/terraform/aws-byoc/examples/example.tfvars $PWD/.byoc/byoc.auto.tfvars" \
 *   | bin/byoc clusters aws --spec-file - --wait
 * </pre>
 */
public final class RenderOutput {
    private RenderOutput() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, Object> vars = new HashMap<>();
        // not exec.args: that property would also replace the arguments of the build's npm step
        String[] files = args.length > 0 ? args : System.getProperty("byoc.tfvars", TerraformModule.EXAMPLE_TFVARS.toString()).trim().split("\\s+");
        for (String file : files) {
            vars.putAll(TerraformModule.tfvars(Files.readString(Path.of(file))));
        }
        String account = System.getProperty("aws.account", TerraformModuleTests.SANDBOX_ACCOUNT);
        // hcl4j prints its evaluation steps on System.out: keep stdout for the JSON alone
        java.io.PrintStream stdout = System.out;
        System.setOut(System.err);
        String json;
        try {
            json = new ObjectMapper().writerWithDefaultPrettyPrinter()
                    .writeValueAsString(TerraformModule.output("byoc_cluster", vars, account));
        } finally {
            System.setOut(stdout);
        }
        stdout.println(json);
    }
}
