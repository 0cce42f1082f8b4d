package dev.byoc.testsupport.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.byoc.contracts.Json;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Wrong (and sometimes right) inputs for the API, generated from the shape of a valid one: the
 * valid document with one to four of its nodes replaced, removed or joined by unknown keys, or
 * its text cut, spliced and garbled. Seeded, so a failing case is reproduced by its seed and
 * index.
 *
 * <p>Written by hand on purpose: jqwik, the property-testing library on Maven Central, asks since
 * 1.10 not to be used by AI coding agents (which write much of this tree), and its 1.x line is
 * built on JUnit Platform 1 while Quarkus 3.33 pins Platform 6. What we need is small: a seeded
 * generator and a loop; we give up shrinking, so each failure prints the whole input instead.
 */
public final class FuzzedInputs {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Values our rules treat specially, or that break naive code: kept close to the real ones. */
    private static final List<String> NASTY_STRINGS = List.of("", " ", "null", "true", "0", "-1", "1e309", "NaN",
            "\u0000", "\u202e", "\ud83d\udca5", "é", "\t\n", "../../etc/passwd", "' or 1=1 --", "%00", "%s%n", "${jndi:x}",
            "<script>alert(1)</script>", "us-east-1", "us-east-1a", "eu-west-99", "m5.xlarge", "m5.xlarge ", "M5.XLARGE",
            "arn:aws:iam::111122223333:role/byoc-demo-01", "arn:aws:iam::111122223333:role/", "arn:aws:iam::1:role/x",
            "arn:aws-cn:iam::111122223333:role/x", "byoc-demo-01-bucket", "xn--bucket", "a", "A", "demo-01", "-demo",
            "CLUSTER_TYPE_BYOC", "CLUSTER_PERFORMANCE_PROFILE_COST_SAVING", "CLUSTER_PERFORMANCE_PROFILE_DEFAULT",
            "cost-saving", "default", "queued", "running", "deleted");
    private static final List<String> KEYS = List.of("name", "spec", "driver", "kubernetes", "aws", "region", "role_arn",
            "external_id", "bucket_name", "eks_cluster_name", "instance_types", "overprovisioned_ondemand_count",
            "performance_profile", "cluster_type", "strict_validation", "__proto__", "constructor", "", "id", "owner",
            "status", "$ref");

    private final Random random;

    public FuzzedInputs(long seed) {
        this.random = new Random(seed);
    }

    /** How many cases a suite runs: {@code -Dbyoc.fuzz.cases=10000} for the long run, else {@code defaultCases}. */
    public static int cases(int defaultCases) {
        return Integer.getInteger("byoc.fuzz.cases", defaultCases);
    }

    /** The suite's seed: {@code -Dbyoc.fuzz.seed=N} to reproduce another run, else {@code defaultSeed}. */
    public static long seed(long defaultSeed) {
        return Long.getLong("byoc.fuzz.seed", defaultSeed);
    }

    /** A request body built from {@code valid}: mostly structural mutations, sometimes raw text damage. */
    public String body(String valid) {
        int kind = random.nextInt(100);
        if (kind < 70) {
            JsonNode tree = Json.mapper().valueToTree(Json.read(valid, Object.class));
            int mutations = 1 + random.nextInt(4);
            for (int i = 0; i < mutations; i++) {
                tree = mutate(tree);
            }
            return tree.toString();
        }
        if (kind < 75) {
            return valid; // unchanged: the suite must also see valid requests pass
        }
        return damaged(valid);
    }

    /** A merge patch: mutations of {@code valid}, or any JSON value, or damaged text. */
    public String mergePatch(String valid) {
        int kind = random.nextInt(10);
        if (kind < 2) {
            return anyJson(3).toString();
        }
        return body(valid);
    }

    /** A query string for the list endpoint: known and unknown parameters with any values, encoded. */
    public String listQuery() {
        List<String> parameters = new ArrayList<>();
        int count = random.nextInt(5);
        for (int i = 0; i < count; i++) {
            String key = pick(List.of("status", "limit", "after", "includeDeleted", "status", "limit", "x", ""));
            String value = switch (random.nextInt(4)) {
                case 0 -> String.valueOf(random.nextLong());
                case 1 -> pick(List.of("0", "1", "500", "501", "-1", "2147483648", "9999999999999999999", "true", "yes",
                        "queued", "QUEUED", "failed", "deleted", "bm90IGEgY3Vyc29y", "fA", "MjAyNi0wMS0wMVQwMDowMDowMFp8eA"));
                default -> anyString();
            };
            parameters.add(encode(key) + "=" + encode(value));
        }
        return String.join("&", parameters);
    }

    /** A cluster name as a path segment: anything, percent-encoded so the URL is well-formed. */
    public String pathSegment() {
        String name = random.nextInt(4) == 0 ? pick(NASTY_STRINGS) : anyString();
        return name.isEmpty() ? "%20" : encode(name).replace("+", "%20");
    }

    /** Any JSON value, nested at most {@code depth} deep. */
    public JsonNode anyJson(int depth) {
        int kind = random.nextInt(depth <= 0 ? 8 : 10);
        return switch (kind) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.booleanNode(random.nextBoolean());
            case 2 -> NODES.numberNode(pick(List.of(0, -1, 1, Integer.MAX_VALUE, Integer.MIN_VALUE, random.nextInt())));
            case 3 -> NODES.numberNode(pick(List.of(Long.MAX_VALUE, Long.MIN_VALUE, random.nextLong())));
            case 4 -> NODES.numberNode(pick(List.of(new BigDecimal("1e400"), new BigDecimal("-0.0"), new BigDecimal("1.5"),
                    BigDecimal.valueOf(random.nextDouble()))));
            case 5 -> NODES.numberNode(new BigInteger(200, random));
            case 6, 7 -> NODES.textNode(random.nextBoolean() ? pick(NASTY_STRINGS) : anyString());
            case 8 -> {
                ArrayNode array = NODES.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    array.add(anyJson(depth - 1));
                }
                yield array;
            }
            default -> {
                ObjectNode object = NODES.objectNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    object.set(random.nextBoolean() ? pick(KEYS) : anyString(), anyJson(depth - 1));
                }
                yield object;
            }
        };
    }

    /** Any string: short or long, printable or not, any plane of Unicode (surrogate pairs kept whole). */
    public String anyString() {
        int length = switch (random.nextInt(10)) {
            case 0 -> 0;
            case 1 -> 64 + random.nextInt(200);
            case 2 -> 1000 + random.nextInt(4000);
            default -> 1 + random.nextInt(24);
        };
        StringBuilder s = new StringBuilder(length);
        while (s.length() < length) {
            int codePoint = switch (random.nextInt(6)) {
                case 0 -> random.nextInt(0x20);
                case 1 -> 0x80 + random.nextInt(0x780);
                case 2 -> 0x1F300 + random.nextInt(0x300);
                case 3 -> 0xFFF0 + random.nextInt(0x10);
                default -> pick(List.of('a', 'z', '0', '9', '-', '.', '_', ':', '/', '"', '\\', '%', ' ', '*', 'A'));
            };
            if (codePoint >= 0xD800 && codePoint <= 0xDFFF) {
                continue;
            }
            s.appendCodePoint(codePoint);
        }
        return s.toString();
    }

    private JsonNode mutate(JsonNode root) {
        List<String> paths = new ArrayList<>();
        collect(root, "", paths);
        String path = pick(paths);
        return switch (random.nextInt(5)) {
            case 0, 1 -> replace(root, path, anyJson(2));
            case 2 -> remove(root, path);
            case 3 -> addUnknownKey(root, path);
            default -> replace(root, path, NODES.nullNode());
        };
    }

    /** Every node's path as a JSON pointer ("" is the root). */
    private static void collect(JsonNode node, String pointer, List<String> paths) {
        paths.add(pointer);
        if (node.isObject()) {
            node.fields().forEachRemaining(f -> collect(f.getValue(), pointer + "/" + escape(f.getKey()), paths));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collect(node.get(i), pointer + "/" + i, paths);
            }
        }
    }

    private static JsonNode replace(JsonNode root, String pointer, JsonNode value) {
        if (pointer.isEmpty()) {
            return value;
        }
        JsonNode parent = root.at(parentOf(pointer));
        String last = lastOf(pointer);
        if (parent instanceof ObjectNode object) {
            object.set(last, value);
        } else if (parent instanceof ArrayNode array) {
            array.set(Integer.parseInt(last), value);
        }
        return root;
    }

    private static JsonNode remove(JsonNode root, String pointer) {
        if (pointer.isEmpty()) {
            return NODES.objectNode();
        }
        JsonNode parent = root.at(parentOf(pointer));
        String last = lastOf(pointer);
        if (parent instanceof ObjectNode object) {
            object.remove(last);
        } else if (parent instanceof ArrayNode array) {
            array.remove(Integer.parseInt(last));
        }
        return root;
    }

    private JsonNode addUnknownKey(JsonNode root, String pointer) {
        JsonNode node = root.at(pointer);
        if (node instanceof ObjectNode object) {
            object.set(random.nextBoolean() ? pick(KEYS) : anyString(), anyJson(1));
        } else if (node instanceof ArrayNode array) {
            array.add(anyJson(2));
        }
        return root;
    }

    /** Text-level damage no tree can express: cuts, splices, duplicate keys, bad bytes, deep nesting. */
    private String damaged(String valid) {
        return switch (random.nextInt(9)) {
            case 0 -> valid.substring(0, random.nextInt(valid.length()));
            case 1 -> {
                int at = random.nextInt(valid.length());
                yield valid.substring(0, at) + anyString() + valid.substring(at);
            }
            case 2 -> valid.replaceFirst("\"region\"", "\"region\": \"us-west-2\", \"region\"");
            case 3 -> valid.replaceFirst("\\{", "{\"name\": \"dup-" + random.nextInt(1000) + "\", ");
            case 4 -> new String(randomBytes(), StandardCharsets.ISO_8859_1);
            case 5 -> "[".repeat(2000 + random.nextInt(20000));
            case 6 -> "{\"a\":".repeat(2000) + "1" + "}".repeat(2000);
            case 7 -> pick(List.of("", "null", "[]", "{}", "0", "\"\"", "true", "{\"name\":", "\ufeff" + valid, "{}{}",
                    valid + valid, valid + "x"));
            default -> valid.replace("\"", random.nextBoolean() ? "'" : "");
        };
    }

    /** Bytes that are not UTF-8 text: random bytes, or {@code valid} with invalid sequences spliced in. */
    public byte[] rawBytes(String valid) {
        if (random.nextBoolean()) {
            return randomBytes();
        }
        byte[] text = valid.getBytes(StandardCharsets.UTF_8);
        int at = random.nextInt(text.length);
        byte[] bad = pick(List.of(new byte[] {(byte) 0xC3}, new byte[] {(byte) 0xFF, (byte) 0xFE}, new byte[] {(byte) 0xED,
                (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
                new byte[] {0}));
        byte[] out = new byte[text.length + bad.length];
        System.arraycopy(text, 0, out, 0, at);
        System.arraycopy(bad, 0, out, at, bad.length);
        System.arraycopy(text, at, out, at + bad.length, text.length - at);
        return out;
    }

    private byte[] randomBytes() {
        byte[] bytes = new byte[random.nextInt(300)];
        random.nextBytes(bytes);
        return bytes;
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    private static String parentOf(String pointer) {
        return pointer.substring(0, pointer.lastIndexOf('/'));
    }

    private static String lastOf(String pointer) {
        return pointer.substring(pointer.lastIndexOf('/') + 1).replace("~1", "/").replace("~0", "~");
    }
}
