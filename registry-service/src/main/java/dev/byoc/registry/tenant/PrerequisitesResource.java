package dev.byoc.registry.tenant;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.byoc.registry.auth.CurrentUser;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a customer puts in their account before registering: the principal to trust, their issued
 * external ID (the only answer that ever shows it in full, and only to its owner) and the trust
 * policy, ready to paste or to feed the Terraform module.
 */
@Path("/api/v1/aws/prerequisites")
@Produces(MediaType.APPLICATION_JSON)
public class PrerequisitesResource {
    private final Tenants tenants;
    private final CurrentUser user;

    PrerequisitesResource(Tenants tenants, CurrentUser user) {
        this.tenants = tenants;
        this.user = user;
    }

    @GET
    public Response prerequisites() {
        String externalId = tenants.externalIdOf(user.username());
        String principal = tenants.principalArn();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("principalArn", principal);
        body.put("externalId", externalId);
        body.put("trustPolicy", trustPolicy(principal, externalId));
        body.put("terraformVars", "platform_principal_arn = \"" + principal + "\"\n"
                + "external_id            = \"" + externalId + "\"\n");
        CacheControl noStore = new CacheControl();
        noStore.setNoStore(true);
        return Response.ok(body).cacheControl(noStore).build();
    }

    /** The role's trust policy: only the platform principal, only with the caller's external ID. */
    static ObjectNode trustPolicy(String principal, String externalId) {
        ObjectNode policy = JsonNodeFactory.instance.objectNode().put("Version", "2012-10-17");
        ObjectNode statement = policy.putArray("Statement").addObject().put("Effect", "Allow");
        statement.putObject("Principal").put("AWS", principal);
        statement.put("Action", "sts:AssumeRole");
        statement.putObject("Condition").putObject("StringEquals").put("sts:ExternalId", externalId);
        return policy;
    }
}
