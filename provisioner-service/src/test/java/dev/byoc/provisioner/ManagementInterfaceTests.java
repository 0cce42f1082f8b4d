package dev.byoc.provisioner;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import dev.byoc.testsupport.AwsResource;
import dev.byoc.testsupport.KafkaResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import org.junit.jupiter.api.Test;

/** Health and metrics answer on the management interface only: the public port carries none of them. */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(AwsResource.class)
class ManagementInterfaceTests {

    // relative to the management root path (/q): this is /q/health on the management port
    @TestHTTPResource(value = "health", management = true)
    URL health;

    // relative to the management root path (/q): this is /q/metrics on the management port
    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    @TestHTTPResource("/q/health")
    URL publicHealth;

    @TestHTTPResource("/q/metrics")
    URL publicMetrics;

    @Test
    void healthAndMetricsAnswerOnTheManagementPortAndNotOnThePublicOne() {
        given().get(health).then().statusCode(200).body(containsString("\"status\": \"UP\""));
        given().get(metrics).then().statusCode(200).body(containsString("# TYPE jvm_"));

        given().get(publicHealth).then().statusCode(404);
        given().get(publicMetrics).then().statusCode(404);
        given().get(publicHealth + "/ready").then().statusCode(404);
    }
}
