package dev.byoc.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Map;

/** {@code @WithTestResource(AwsResource.class)}: the WireMock AWS stand-in; inject it with {@link InjectAwsStandIn}. */
public class AwsResource implements QuarkusTestResourceLifecycleManager {

    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface InjectAwsStandIn {
    }

    @Override
    public Map<String, String> start() {
        AwsStandIn standIn = AwsStandIn.shared();
        standIn.configureSdk();
        // the services derive the external IDs the sandbox's trust policies were rendered with
        return Map.of("byoc.test.aws-endpoint", standIn.endpoint(),
                "byoc.external-id.secret", AwsStandIn.EXTERNAL_ID_SECRET,
                "byoc.aws.platform-principal-arn", AwsStandIn.PLATFORM_PRINCIPAL_ARN);
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(AwsStandIn.shared(), new TestInjector.AnnotatedAndMatchesType(InjectAwsStandIn.class, AwsStandIn.class));
    }

    @Override
    public void stop() {
        // shared across test classes; stopped when the JVM exits
    }
}
