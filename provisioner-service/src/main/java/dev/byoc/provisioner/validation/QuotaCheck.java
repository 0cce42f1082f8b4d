package dev.byoc.provisioner.validation;

import dev.byoc.contracts.event.Check;
import dev.byoc.contracts.event.ClusterSpec;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.servicequotas.ServiceQuotasClient;

/** Service Quotas against the recommendations of DESIGN §6; never fails, at most warns. */
@ApplicationScoped
public class QuotaCheck {
    record Quota(String service, String code, String name, double recommended, boolean legacy) {
    }

    static final Quota ASGS = new Quota("autoscaling", "L-CDE20ADC", "Auto Scaling groups per region", 800, false);
    static final Quota LAUNCH_CONFIGS = new Quota("autoscaling", "L-6B80B8FA", "launch configurations per region", 600, true);
    static final Quota ON_DEMAND = new Quota("ec2", "L-1216C47A", "Running On-Demand Standard instances (vCPUs)", 1000, false);
    static final Quota SPOT = new Quota("ec2", "L-34B43A08", "All Standard Spot Instance Requests (vCPUs)", 1000, false);
    static final Quota G_VT = new Quota("ec2", "L-DB2E81BA", "Running On-Demand G and VT instances (vCPUs)", 64, false);
    static final Quota P = new Quota("ec2", "L-417A185B", "Running On-Demand P instances (vCPUs)", 64, false);

    static List<Quota> forSpec(ClusterSpec spec) {
        List<Quota> quotas = new ArrayList<>(List.of(ASGS, ON_DEMAND, SPOT));
        if (spec.instanceTypes().stream().anyMatch(t -> t.name().startsWith("g"))) {
            quotas.add(G_VT);
        }
        if (spec.instanceTypes().stream().anyMatch(t -> t.name().startsWith("p"))) {
            quotas.add(P);
        }
        quotas.add(LAUNCH_CONFIGS);
        return quotas;
    }

    public Check check(ServiceQuotasClient client, ClusterSpec spec) {
        List<String> low = new ArrayList<>();
        List<String> ok = new ArrayList<>();
        for (Quota quota : forSpec(spec)) {
            try {
                double value = client.getServiceQuota(r -> r.serviceCode(quota.service()).quotaCode(quota.code())).quota().value();
                if (value < quota.recommended()) {
                    low.add(quota.name() + " (" + quota.service() + " " + quota.code() + ") is " + (long) value + ", recommended "
                            + (long) quota.recommended() + (quota.legacy() ? " (legacy; only matters for older node groups)" : ""));
                } else {
                    ok.add(quota.code() + "=" + (long) value);
                }
            } catch (AwsServiceException e) {
                String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
                if (e.statusCode() == 403 || "AccessDeniedException".equals(code)) {
                    return Check.skipped(CheckIds.QUOTAS, "the role may not read Service Quotas (" + code + ")",
                            "add {\"Effect\": \"Allow\", \"Action\": \"servicequotas:GetServiceQuota\", \"Resource\": \"*\"} "
                                    + "to the role's policy to check quotas before provisioning");
                }
                low.add(quota.name() + " (" + quota.code() + ") could not be read: " + code);
            } catch (SdkClientException e) {
                low.add(quota.name() + " (" + quota.code() + ") could not be read: " + e.getMessage());
            }
        }
        String console = "https://" + spec.region() + ".console.aws.amazon.com/servicequotas/home?region=" + spec.region();
        if (!low.isEmpty()) {
            return Check.warn(CheckIds.QUOTAS, String.join("; ", low), "request increases in the Service Quotas console: "
                    + console);
        }
        return Check.pass(CheckIds.QUOTAS, "quotas meet the recommendations (" + String.join(", ", ok) + ")");
    }

}
