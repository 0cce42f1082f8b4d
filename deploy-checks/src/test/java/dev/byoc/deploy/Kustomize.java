package dev.byoc.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@code kubectl kustomize} of an overlay, and the fabric8 / Strimzi models' strict reading of what it renders. */
final class Kustomize {
    static final ObjectMapper YAML = new YAMLMapper();

    private Kustomize() {
    }

    /** The rendered objects of deploy/k8s/overlays/{overlay}, in order. */
    static List<ObjectNode> render(String overlay) throws IOException, InterruptedException {
        String path = Repo.path("deploy/k8s/overlays/" + overlay).toString();
        Process process;
        try {
            process = new ProcessBuilder("kubectl", "kustomize", path).redirectErrorStream(false).start();
        } catch (IOException e) {
            throw new IllegalStateException("kubectl is needed to render the overlays (it renders offline, no cluster): " + e.getMessage(), e);
        }
        byte[] out;
        byte[] err;
        try (InputStream stdout = process.getInputStream(); InputStream stderr = process.getErrorStream()) {
            ByteArrayOutputStream errors = new ByteArrayOutputStream();
            Thread drain = new Thread(() -> {
                try {
                    stderr.transferTo(errors);
                } catch (IOException ignored) {
                    // the exit code tells
                }
            });
            drain.start();
            out = stdout.readAllBytes();
            drain.join();
            err = errors.toByteArray();
        }
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError("kubectl kustomize " + path + " failed: " + new String(err, StandardCharsets.UTF_8));
        }
        List<ObjectNode> objects = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(out)) {
            var docs = YAML.readValues(parser, JsonNode.class);
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc != null && doc.isObject()) {
                    objects.add((ObjectNode) doc);
                }
            }
        }
        return objects;
    }

    /**
     * Everything the model class has no field for, by path: the models keep unknown keys in
     * {@code additionalProperties} instead of failing, so a misspelt or misplaced key ends up there.
     */
    static List<String> unknownFields(Object model) {
        List<String> found = new ArrayList<>();
        walk(model, "", found, 0);
        return found;
    }

    private static void walk(Object value, String path, List<String> found, int depth) {
        if (value == null || depth > 40) {
            return;
        }
        if (value instanceof Collection<?> list) {
            int i = 0;
            for (Object item : list) {
                walk(item, path + "[" + i++ + "]", found, depth + 1);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> walk(v, path + "." + k, found, depth + 1));
            return;
        }
        String pkg = value.getClass().getPackageName();
        if (!pkg.startsWith("io.fabric8.kubernetes.api.model") && !pkg.startsWith("io.strimzi.api")) {
            return;
        }
        for (Method method : value.getClass().getMethods()) {
            if (method.getParameterCount() != 0 || Modifier.isStatic(method.getModifiers())
                    || !method.getName().startsWith("get") || method.getName().equals("getClass")) {
                continue;
            }
            Object child;
            try {
                child = method.invoke(value);
            } catch (ReflectiveOperationException | RuntimeException e) {
                continue;
            }
            String name = Character.toLowerCase(method.getName().charAt(3)) + method.getName().substring(4);
            if (method.getName().equals("getAdditionalProperties")) {
                if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    extra.keySet().forEach(k -> found.add((path.isEmpty() ? "" : path + ".") + k));
                }
                continue;
            }
            // free-form maps (labels, config, data) are not models: only descend into model objects and lists
            if (child instanceof Map<?, ?>) {
                continue;
            }
            walk(child, path.isEmpty() ? name : path + "." + name, found, depth + 1);
        }
    }
}
