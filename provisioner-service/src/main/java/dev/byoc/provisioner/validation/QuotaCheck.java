package dev.byoc.provisioner.validation;

import dev.byoc.contracts.event.Check;
import dev.byoc.contracts.event.ClusterSpec;
import dev.byoc.provisioner.aws.AwsClients;
import dev.byoc.provisioner.aws.RoleSession;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.services.servicequotas.ServiceQuotasClient;

/**
 * {@code quotas}: Service Quotas against the recommendations of DESIGN §6, read with the assumed
 * role. Never fails: below a recommendation is a {@code warn}; a quota that cannot be read
 * (AccessDenied, unknown code, timeout) makes the check {@code skipped} with what would enable it.
 */
@ApplicationScoped
public class QuotaCheck implements AccessCheck {
    record Quota(String service, String code, String name, double recommended, boolean legacy) {
    }

    /** The check, and whether a {@code warn} comes only from the legacy quota (never promoted by strict). */
    public record Result(Check check, boolean legacyOnly) implements Finding {
    }

    static final Quota ASGS = new Quota("autoscaling", "L-CDE20ADC", "Auto Scaling groups per region", 800, false);
    static final Quota LAUNCH_CONFIGS = new Quota("autoscaling", "L-6B80B8FA", "Launch configurations per region", 600, true);
    static final Quota ON_DEMAND = new Quota("ec2", "L-1216C47A", "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances (vCPUs)", 1000, false);
    static final Quota SPOT = new Quota("ec2", "L-34B43A08", "All Standard (A, C, D, H, I, M, R, T, Z) Spot Instance Requests (vCPUs)", 1000, false);
    static final Quota G_VT = new Quota("ec2", "L-DB2E81BA", "Running On-Demand G and VT instances (vCPUs)", 64, false);
    static final Quota P = new Quota("ec2", "L-417A185B", "Running On-Demand P instances (vCPUs)", 64, false);

    static final String POLICY = "{\"Effect\": \"Allow\", \"Action\": \"servicequotas:GetServiceQuota\", \"Resource\": \"*\"}";

    private final AwsClients aws;

    QuotaCheck(AwsClients aws) {
        this.aws = aws;
    }

    static String family(String instanceType) {
        int dot = instanceType.indexOf('.');
        return (dot < 0 ? instanceType : instanceType.substring(0, dot)).toLowerCase(Locale.ROOT);
    }

    static boolean isGOrVt(String family) {
        return family.startsWith("g") || family.startsWith("vt");
    }

    static boolean isP(String family) {
        return family.matches("p\\d.*");
    }

    /** Families with quotas of their own that this check does not read (X, Inf, Trn, DL, F). */
    static boolean isUnchecked(String family) {
        return family.matches("(x\\d|inf|trn|dl|f\\d).*");
    }

    /** Standard quotas always (the platform's own nodes are standard types), G/VT and P when requested, the legacy one last. */
    static List<Quota> forSpec(ClusterSpec spec) {
        List<Quota> quotas = new ArrayList<>(List.of(ASGS, ON_DEMAND, SPOT));
        List<String> families = spec.instanceTypes().stream().map(t -> family(t.name())).toList();
        if (families.stream().anyMatch(QuotaCheck::isGOrVt)) {
            quotas.add(G_VT);
        }
        if (families.stream().anyMatch(QuotaCheck::isP)) {
            quotas.add(P);
        }
        quotas.add(LAUNCH_CONFIGS);
        return quotas;
    }

    static String consoleUrl(String region, Quota quota) {
        return "https://" + region + ".console.aws.amazon.com/servicequotas/home/services/" + quota.service() + "/quotas/"
                + quota.code();
    }

    @Override
    public String id() {
        return CheckIds.QUOTAS;
    }

    @Override
    public Result run(Target target, Access access) {
        return check(aws.quotas(target.spec().region()), access.asAssumed(), target.spec());
    }

    private Result check(ServiceQuotasClient client, AwsRequestOverrideConfiguration as, ClusterSpec spec) {
        List<String> low = new ArrayList<>();
        List<String> lowUrls = new ArrayList<>();
        boolean lowNonLegacy = false;
        List<String> unread = new ArrayList<>();
        List<String> ok = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (Quota quota : forSpec(spec)) {
            String label = quota.name() + " (" + quota.service() + " " + quota.code() + ")";
            try {
                double value = client.getServiceQuota(r -> r.serviceCode(quota.service()).quotaCode(quota.code()).overrideConfiguration(as)).quota().value();
                if (value < quota.recommended()) {
                    low.add(label + " is " + (long) value + ", recommended " + (long) quota.recommended()
                            + (quota.legacy() ? " (legacy: only older launch-configuration node groups use it)" : ""));
                    lowUrls.add(consoleUrl(spec.region(), quota));
                    lowNonLegacy |= !quota.legacy();
                } else {
                    ok.add(quota.code() + "=" + (long) value);
                }
            } catch (AwsServiceException e) {
                String code = RoleSession.code(e);
                if (e.statusCode() == 403 || code.startsWith("AccessDenied")) {
                    return new Result(Check.skipped(CheckIds.QUOTAS, "the role may not read Service Quotas ("
                            + RoleSession.describe(e) + "), so quotas were not checked",
                            "add " + POLICY + " to the role's policy to have quotas checked before provisioning"), false);
                }
                if (quota.legacy()) {
                    notes.add(quota.code() + " not read (" + code + "; legacy, ignored)");
                } else {
                    unread.add(label + ": " + RoleSession.describe(e));
                }
            } catch (SdkClientException e) {
                unread.add(label + ": " + aws.clientFailure(e, "servicequotas:GetServiceQuota"));
                break; // the service is not answering: do not wait for every quota in turn
            }
        }
        Set<String> uncheckedFamilies = new LinkedHashSet<>();
        spec.instanceTypes().stream().map(t -> family(t.name())).filter(QuotaCheck::isUnchecked).forEach(uncheckedFamilies::add);
        if (!uncheckedFamilies.isEmpty()) {
            notes.add("the quotas of " + String.join(", ", uncheckedFamilies) + " instances are not checked: see the console");
        }
        String tail = notes.isEmpty() ? "" : "; " + String.join("; ", notes);
        if (!low.isEmpty()) {
            String unreadPart = unread.isEmpty() ? "" : "; could not read " + String.join("; ", unread);
            return new Result(Check.warn(CheckIds.QUOTAS, "below the recommendation: " + String.join("; ", low) + unreadPart + tail,
                    "request increases in the Service Quotas console: " + String.join(" ", lowUrls)), !lowNonLegacy);
        }
        if (!unread.isEmpty()) {
            return new Result(Check.skipped(CheckIds.QUOTAS, "could not read " + String.join("; ", unread) + tail,
                    "make sure the role allows " + POLICY + " and check the quotas in the console: https://" + spec.region()
                            + ".console.aws.amazon.com/servicequotas/home?region=" + spec.region()), false);
        }
        return new Result(Check.pass(CheckIds.QUOTAS, "quotas meet the recommendations (" + String.join(", ", ok) + ")" + tail),
                false);
    }
}
