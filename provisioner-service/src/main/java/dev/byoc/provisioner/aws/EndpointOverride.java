package dev.byoc.provisioner.aws;

/** Whether the SDK's standard endpoint settings point a service elsewhere (we only read them). */
public final class EndpointOverride {
    private EndpointOverride() {
    }

    public static boolean isSet(String service) {
        return present(System.getenv("AWS_ENDPOINT_URL_" + service)) || present(System.getenv("AWS_ENDPOINT_URL"))
                || present(System.getProperty("aws.endpointUrl" + service.charAt(0) + service.substring(1).toLowerCase()))
                || present(System.getProperty("aws.endpointUrl"));
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
