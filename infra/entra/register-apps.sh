#!/usr/bin/env bash
# Registers the Microsoft Entra ID side of Social Value Ledger, with the Azure CLI.
#
#   1. "Social Value Ledger API": app roles Officer and Manager, a delegated scope access_as_user,
#      v2 access tokens, identifier URI api://<client id>; its enterprise app requires a role
#      assignment, so only people you assign can get a token for it.
#   2. "Social Value Ledger add-in": a single-page application with the nested app authentication
#      redirect brk-multihub://<add-in host> and the SPA redirect <add-in>/taskpane.html,
#      pre-authorised on the API scope, with admin consent for its sign-in scopes.
#   3. Optionally, Officer and Manager assigned to two Entra groups.
#   4. Microsoft Graph application permissions for the Function App's managed identity:
#      Mail.Send only when MAIL_SCOPING=access-policy (see below), Sites.Selected or Files.Read.All
#      for the Forms workbook pull when FORMS_PULL asks for it.
#   5. Prints the Exchange Online PowerShell that limits sending to the one mailbox.
#
# Everything it does is written out by hand in infra/entra/ENTRA.md. It is safe to run again:
# it finds the apps by display name, keeps existing role and scope ids, and skips grants that
# exist. Nothing here has been run against a real tenant (see ENTRA.md, "What is not verified").
#
# Needs: az (signed in with `az login` as someone who may register apps and grant admin consent:
# Cloud Application Administrator for the apps, Privileged Role Administrator or Global
# Administrator for application permissions on Microsoft Graph), jq.
#
# Usage (values usually come from `azd env get-value ...`, see docs/DEPLOY.md step 5):
#   ADDIN_BASE_URL=https://addin.anytown.gov.uk \
#   FUNCTION_APP_PRINCIPAL_ID=<object id> \
#   MAIL_SENDER=social.value@anytown.gov.uk \
#   infra/entra/register-apps.sh
#
# Settings (environment variables):
#   ADDIN_BASE_URL             required. Where the add-in is served from (https, no trailing slash).
#   FUNCTION_APP_PRINCIPAL_ID  required for step 4/5. Object id of the Function App's system-assigned identity.
#   MAIL_SENDER                the sending mailbox, for the printed Exchange commands.
#   API_APP_NAME               default "Social Value Ledger API".
#   ADDIN_APP_NAME             default "Social Value Ledger add-in".
#   OFFICER_GROUP_ID           optional. Object id of the Entra group whose members are Officers.
#   MANAGER_GROUP_ID           optional. Object id of the Entra group whose members are Managers.
#   MAIL_SCOPING               rbac (default): no Mail.Send in Entra; Exchange RBAC for Applications
#                              grants "Application Mail.Send" scoped to MAIL_SENDER (printed).
#                              access-policy: Mail.Send in Entra (tenant-wide by itself) restricted by an
#                              Exchange application access policy (the older way; printed).
#                              none: no mail permission at all.
#   FORMS_PULL                 none (default) | sites-selected | files-read-all. Graph permission for the
#                              Forms workbook pull (infra/forms/FLOW.md, part 2).
#   INCLUDE_LOCALHOST          1 to also register https://localhost:3000 redirects (development).
#   DRY_RUN                    1 to print the write operations instead of running them.

set -euo pipefail

API_APP_NAME="${API_APP_NAME:-Social Value Ledger API}"
ADDIN_APP_NAME="${ADDIN_APP_NAME:-Social Value Ledger add-in}"
ADDIN_BASE_URL="${ADDIN_BASE_URL:-}"
FUNCTION_APP_PRINCIPAL_ID="${FUNCTION_APP_PRINCIPAL_ID:-}"
MAIL_SENDER="${MAIL_SENDER:-<sending mailbox>}"
OFFICER_GROUP_ID="${OFFICER_GROUP_ID:-}"
MANAGER_GROUP_ID="${MANAGER_GROUP_ID:-}"
MAIL_SCOPING="${MAIL_SCOPING:-rbac}"
FORMS_PULL="${FORMS_PULL:-none}"
INCLUDE_LOCALHOST="${INCLUDE_LOCALHOST:-0}"
DRY_RUN="${DRY_RUN:-0}"

GRAPH="https://graph.microsoft.com/v1.0"
GRAPH_APP_ID="00000003-0000-0000-c000-000000000000" # Microsoft Graph's application id (the same in every tenant)

say() { printf '\n== %s\n' "$*"; }
fail() { printf 'register-apps: %s\n' "$*" >&2; exit 1; }

# Runs a command that changes something, or prints it under DRY_RUN=1. A new app or service
# principal can take a little while to be visible everywhere in Entra ID, so a failure is retried
# a few times before giving up; every write here can safely be repeated.
write() {
  if [ "$DRY_RUN" = "1" ]; then
    printf '[dry run]'
    printf ' %q' "$@"
    printf '\n'
    return 0
  fi
  local attempt
  for attempt in 1 2 3 4 5; do
    if "$@"; then return 0; fi
    [ "$attempt" = 5 ] && break
    printf 'register-apps: that failed; trying again in %ss (Entra ID replication)\n' "$((attempt * 10))" >&2
    sleep "$((attempt * 10))"
  done
  fail "gave up after 5 attempts: $*"
}

new_uuid() {
  if command -v uuidgen >/dev/null 2>&1; then uuidgen | tr '[:upper:]' '[:lower:]'
  elif [ -r /proc/sys/kernel/random/uuid ]; then cat /proc/sys/kernel/random/uuid
  else python3 -c 'import uuid; print(uuid.uuid4())'
  fi
}

# --- checks -------------------------------------------------------------------------------------

command -v az >/dev/null 2>&1 || fail "the Azure CLI (az) is not installed"
command -v jq >/dev/null 2>&1 || fail "jq is not installed"
[ -n "$ADDIN_BASE_URL" ] || fail "set ADDIN_BASE_URL, e.g. ADDIN_BASE_URL=\$(azd env get-value ADDIN_BASE_URL)"
case "$ADDIN_BASE_URL" in
  https://*) ;;
  *) fail "ADDIN_BASE_URL must start with https:// (got $ADDIN_BASE_URL)" ;;
esac
ADDIN_BASE_URL="${ADDIN_BASE_URL%/}"
ADDIN_HOST="${ADDIN_BASE_URL#https://}"
ADDIN_HOST="${ADDIN_HOST%%/*}"
case "$MAIL_SCOPING" in rbac|access-policy|none) ;; *) fail "MAIL_SCOPING must be rbac, access-policy or none" ;; esac
case "$FORMS_PULL" in none|sites-selected|files-read-all) ;; *) fail "FORMS_PULL must be none, sites-selected or files-read-all" ;; esac

TENANT_ID="$(az account show --query tenantId -o tsv)" || fail "not signed in: run az login"
say "Tenant $TENANT_ID; add-in at $ADDIN_BASE_URL"

# --- 1. The API app registration -----------------------------------------------------------------

say "1. App registration \"$API_APP_NAME\""
API_APP_ID="$(az ad app list --display-name "$API_APP_NAME" --query '[0].appId' -o tsv)"
if [ -z "$API_APP_ID" ]; then
  if [ "$DRY_RUN" = "1" ]; then
    write az ad app create --display-name "$API_APP_NAME" --sign-in-audience AzureADMyOrg
    API_APP_ID="00000000-0000-0000-0000-0000000000a1"
  else
    API_APP_ID="$(az ad app create --display-name "$API_APP_NAME" --sign-in-audience AzureADMyOrg --query appId -o tsv)"
  fi
  echo "created, client id $API_APP_ID"
else
  echo "exists, client id $API_APP_ID"
fi
API_OBJECT_ID="$(az ad app show --id "$API_APP_ID" --query id -o tsv 2>/dev/null || echo "<object id>")"

# Keep the ids of roles and the scope that exist; make new ones only the first time.
existing() { az ad app show --id "$API_APP_ID" --query "$1" -o tsv 2>/dev/null || true; }
OFFICER_ROLE_ID="$(existing "appRoles[?value=='Officer'].id | [0]")"
MANAGER_ROLE_ID="$(existing "appRoles[?value=='Manager'].id | [0]")"
SCOPE_ID="$(existing "api.oauth2PermissionScopes[?value=='access_as_user'].id | [0]")"
[ -n "$OFFICER_ROLE_ID" ] || OFFICER_ROLE_ID="$(new_uuid)"
[ -n "$MANAGER_ROLE_ID" ] || MANAGER_ROLE_ID="$(new_uuid)"
[ -n "$SCOPE_ID" ] || SCOPE_ID="$(new_uuid)"

# The api object is replaced as a whole on PATCH, so it is always sent complete.
api_object() { # $1 = JSON array of pre-authorised applications
  jq -n --arg scope "$SCOPE_ID" --argjson pre "$1" '{
    requestedAccessTokenVersion: 2,
    oauth2PermissionScopes: [{
      id: $scope, value: "access_as_user", type: "User", isEnabled: true,
      adminConsentDisplayName: "Use Social Value Ledger as the signed-in user",
      adminConsentDescription: "Lets the Social Value Ledger Excel add-in call the Social Value Ledger API as the signed-in officer or manager. What the user may do is decided by their app role (Officer, Manager).",
      userConsentDisplayName: "Use Social Value Ledger as you",
      userConsentDescription: "Lets the Social Value Ledger Excel add-in read and record social value data for you."
    }],
    preAuthorizedApplications: $pre
  }'
}

API_BODY="$(jq -n \
  --arg uri "api://$API_APP_ID" --arg officer "$OFFICER_ROLE_ID" --arg manager "$MANAGER_ROLE_ID" \
  --argjson api "$(api_object '[]')" '{
  identifierUris: [$uri],
  api: $api,
  appRoles: [
    { id: $officer, value: "Officer", displayName: "Officer", isEnabled: true, allowedMemberTypes: ["User"],
      description: "Procurement, contract and social value officers: contracts, commitments, contributions, evidence review, quarantine." },
    { id: $manager, value: "Manager", displayName: "Manager", isEnabled: true, allowedMemberTypes: ["User"],
      description: "Managers: read contributions, see and run the chase of overdue evidence." }
  ]
}')"
write az rest --method PATCH --uri "$GRAPH/applications/$API_OBJECT_ID" \
  --headers "Content-Type=application/json" --body "$API_BODY"
echo "identifier URI api://$API_APP_ID, scope access_as_user ($SCOPE_ID), roles Officer ($OFFICER_ROLE_ID), Manager ($MANAGER_ROLE_ID), v2 tokens"

# Its enterprise application (service principal): only assigned users and groups get tokens.
API_SP_ID="$(az ad sp show --id "$API_APP_ID" --query id -o tsv 2>/dev/null || true)"
if [ -z "$API_SP_ID" ]; then
  if [ "$DRY_RUN" = "1" ]; then write az ad sp create --id "$API_APP_ID"; API_SP_ID="<api sp object id>"
  else API_SP_ID="$(az ad sp create --id "$API_APP_ID" --query id -o tsv)"; fi
fi
write az ad sp update --id "$API_APP_ID" --set appRoleAssignmentRequired=true
echo "enterprise app $API_SP_ID: assignment required"

# --- 2. The add-in (single-page application) -------------------------------------------------------

say "2. App registration \"$ADDIN_APP_NAME\" (SPA, nested app authentication)"
ADDIN_APP_ID="$(az ad app list --display-name "$ADDIN_APP_NAME" --query '[0].appId' -o tsv)"
if [ -z "$ADDIN_APP_ID" ]; then
  if [ "$DRY_RUN" = "1" ]; then
    write az ad app create --display-name "$ADDIN_APP_NAME" --sign-in-audience AzureADMyOrg
    ADDIN_APP_ID="00000000-0000-0000-0000-0000000000b2"
  else
    ADDIN_APP_ID="$(az ad app create --display-name "$ADDIN_APP_NAME" --sign-in-audience AzureADMyOrg --query appId -o tsv)"
  fi
  echo "created, client id $ADDIN_APP_ID"
else
  echo "exists, client id $ADDIN_APP_ID"
fi
ADDIN_OBJECT_ID="$(az ad app show --id "$ADDIN_APP_ID" --query id -o tsv 2>/dev/null || echo "<object id>")"

REDIRECTS="$(jq -n --arg host "$ADDIN_HOST" --arg page "$ADDIN_BASE_URL/taskpane.html" --arg local "$INCLUDE_LOCALHOST" '
  ["brk-multihub://" + $host, $page]
  + (if $local == "1" then ["brk-multihub://localhost:3000", "https://localhost:3000/taskpane.html"] else [] end)')"

# Sign-in scopes on Microsoft Graph (openid, profile, offline_access, User.Read), looked up by name.
graph_scope() { az ad sp show --id "$GRAPH_APP_ID" --query "oauth2PermissionScopes[?value=='$1'].id | [0]" -o tsv; }
GRAPH_SCOPES="$(jq -n --arg a "$(graph_scope openid)" --arg b "$(graph_scope profile)" \
  --arg c "$(graph_scope offline_access)" --arg d "$(graph_scope User.Read)" \
  '[$a, $b, $c, $d] | map(select(. != "")) | map({id: ., type: "Scope"})')"

ADDIN_BODY="$(jq -n --argjson redirects "$REDIRECTS" --arg api "$API_APP_ID" --arg scope "$SCOPE_ID" \
  --arg graph "$GRAPH_APP_ID" --argjson graphScopes "$GRAPH_SCOPES" '{
  spa: { redirectUris: $redirects },
  requiredResourceAccess: [
    { resourceAppId: $api, resourceAccess: [ { id: $scope, type: "Scope" } ] },
    { resourceAppId: $graph, resourceAccess: $graphScopes }
  ]
}')"
write az rest --method PATCH --uri "$GRAPH/applications/$ADDIN_OBJECT_ID" \
  --headers "Content-Type=application/json" --body "$ADDIN_BODY"
echo "SPA redirect URIs: $(jq -r 'join(", ")' <<<"$REDIRECTS")"

if ! az ad sp show --id "$ADDIN_APP_ID" --query id -o tsv >/dev/null 2>&1; then
  write az ad sp create --id "$ADDIN_APP_ID"
fi

# Pre-authorise the add-in on access_as_user: no consent prompt for the API scope.
PRE="$(jq -n --arg app "$ADDIN_APP_ID" --arg scope "$SCOPE_ID" '[{appId: $app, delegatedPermissionIds: [$scope]}]')"
write az rest --method PATCH --uri "$GRAPH/applications/$API_OBJECT_ID" \
  --headers "Content-Type=application/json" --body "$(jq -n --argjson api "$(api_object "$PRE")" '{api: $api}')"
echo "add-in pre-authorised on api://$API_APP_ID/access_as_user"

# Admin consent for the add-in's sign-in scopes, so no officer sees a consent prompt
# (most councils do not let users consent to apps themselves).
write az ad app permission admin-consent --id "$ADDIN_APP_ID"
echo "admin consent granted for the add-in"

# --- 3. App roles for groups (optional) ------------------------------------------------------------

assign_group() { # $1 group object id, $2 role id, $3 role name
  local count
  count="$(az rest --method GET --uri "$GRAPH/servicePrincipals/$API_SP_ID/appRoleAssignedTo" \
    --query "length(value[?principalId=='$1' && appRoleId=='$2'])" -o tsv 2>/dev/null || echo 0)"
  if [ "${count:-0}" != "0" ]; then echo "$3: group $1 already assigned"; return; fi
  write az rest --method POST --uri "$GRAPH/servicePrincipals/$API_SP_ID/appRoleAssignedTo" \
    --headers "Content-Type=application/json" \
    --body "$(jq -n --arg p "$1" --arg r "$API_SP_ID" --arg role "$2" '{principalId: $p, resourceId: $r, appRoleId: $role}')"
  echo "$3: group $1 assigned"
}
if [ -n "$OFFICER_GROUP_ID" ] || [ -n "$MANAGER_GROUP_ID" ]; then
  say "3. App roles for groups (assigning groups to app roles needs Entra ID P1 or above)"
  [ -z "$OFFICER_GROUP_ID" ] || assign_group "$OFFICER_GROUP_ID" "$OFFICER_ROLE_ID" Officer
  [ -z "$MANAGER_GROUP_ID" ] || assign_group "$MANAGER_GROUP_ID" "$MANAGER_ROLE_ID" Manager
else
  say "3. App roles: no OFFICER_GROUP_ID / MANAGER_GROUP_ID given; assign users or groups in Enterprise applications → $API_APP_NAME → Users and groups"
fi

# --- 4. Microsoft Graph application permissions for the Function App's managed identity -----------

grant_graph_role() { # $1 permission name, e.g. Mail.Send
  local role_id count
  role_id="$(az ad sp show --id "$GRAPH_APP_ID" --query "appRoles[?value=='$1'].id | [0]" -o tsv)"
  [ -n "$role_id" ] || fail "Microsoft Graph has no application permission named $1"
  count="$(az rest --method GET --uri "$GRAPH/servicePrincipals/$FUNCTION_APP_PRINCIPAL_ID/appRoleAssignments" \
    --query "length(value[?appRoleId=='$role_id'])" -o tsv 2>/dev/null || echo 0)"
  if [ "${count:-0}" != "0" ]; then echo "$1: already granted"; return; fi
  # The portal cannot grant application permissions to a managed identity; this is the Graph call it would make.
  write az rest --method POST --uri "$GRAPH/servicePrincipals/$FUNCTION_APP_PRINCIPAL_ID/appRoleAssignments" \
    --headers "Content-Type=application/json" \
    --body "$(jq -n --arg p "$FUNCTION_APP_PRINCIPAL_ID" --arg r "$GRAPH_SP_ID" --arg role "$role_id" '{principalId: $p, resourceId: $r, appRoleId: $role}')"
  echo "$1: granted"
}

if [ -z "$FUNCTION_APP_PRINCIPAL_ID" ]; then
  say "4. Skipped: set FUNCTION_APP_PRINCIPAL_ID=\$(azd env get-value FUNCTION_APP_PRINCIPAL_ID) and run again"
  MI_APP_ID="<managed identity application id>"
else
  say "4. Microsoft Graph permissions for the managed identity $FUNCTION_APP_PRINCIPAL_ID"
  GRAPH_SP_ID="$(az ad sp show --id "$GRAPH_APP_ID" --query id -o tsv)"
  MI_APP_ID="$(az ad sp show --id "$FUNCTION_APP_PRINCIPAL_ID" --query appId -o tsv)"
  echo "managed identity: object id $FUNCTION_APP_PRINCIPAL_ID, application id $MI_APP_ID"
  case "$MAIL_SCOPING" in
    access-policy) grant_graph_role Mail.Send ;;
    rbac)
      MAIL_ROLE_ID="$(az ad sp show --id "$GRAPH_APP_ID" --query "appRoles[?value=='Mail.Send'].id | [0]" -o tsv)"
      HAS="$(az rest --method GET --uri "$GRAPH/servicePrincipals/$FUNCTION_APP_PRINCIPAL_ID/appRoleAssignments" \
        --query "length(value[?appRoleId=='$MAIL_ROLE_ID'])" -o tsv 2>/dev/null || echo 0)"
      if [ "${HAS:-0}" != "0" ]; then
        echo "WARNING: the identity holds Mail.Send from Entra ID, which lets it send as ANY mailbox whatever Exchange RBAC says."
        echo "         Remove it (ENTRA.md, 'Removing a tenant-wide Mail.Send') if you scope with RBAC for Applications."
      else
        echo "Mail.Send: not granted in Entra ID on purpose; Exchange RBAC for Applications grants it for $MAIL_SENDER only (step 5)"
      fi ;;
    none) echo "Mail: no permission (MAIL_SCOPING=none)" ;;
  esac
  case "$FORMS_PULL" in
    sites-selected) grant_graph_role Sites.Selected
      echo "Now grant read on the form's site: infra/forms/FLOW.md, part 2, step 3 (application id $MI_APP_ID)" ;;
    files-read-all) grant_graph_role Files.Read.All ;;
    none) ;;
  esac
fi

# --- 5. Exchange Online: the one mailbox ---------------------------------------------------------

if [ "$MAIL_SCOPING" = "rbac" ]; then
  say "5. Run in Exchange Online PowerShell (Connect-ExchangeOnline, as an Exchange admin):"
  cat <<EOF
\$appId    = '$MI_APP_ID'
\$objectId = '${FUNCTION_APP_PRINCIPAL_ID:-<managed identity object id>}'
\$mailbox  = '$MAIL_SENDER'
\$scope    = 'Social Value Ledger sending mailbox'
if (-not (Get-ServicePrincipal -Identity \$appId -ErrorAction SilentlyContinue)) {
  New-ServicePrincipal -AppId \$appId -ObjectId \$objectId -DisplayName 'Social Value Ledger API (managed identity)'
}
if (-not (Get-ManagementScope -Identity \$scope -ErrorAction SilentlyContinue)) {
  New-ManagementScope -Name \$scope -RecipientRestrictionFilter "PrimarySmtpAddress -eq '\$mailbox'"
}
if (-not (Get-ManagementRoleAssignment -Identity 'Social Value Ledger Mail.Send' -ErrorAction SilentlyContinue)) {
  New-ManagementRoleAssignment -Name 'Social Value Ledger Mail.Send' -App \$appId -Role 'Application Mail.Send' -CustomResourceScope \$scope
}
Test-ServicePrincipalAuthorization -Identity \$appId -Resource \$mailbox   # InScope should be True
EOF
elif [ "$MAIL_SCOPING" = "access-policy" ]; then
  say "5. Run in Exchange Online PowerShell (the older application access policy):"
  cat <<EOF
New-DistributionGroup -Name 'Social Value Ledger senders' -Type Security -PrimarySmtpAddress 'svl-senders@<your domain>' -Members '$MAIL_SENDER'
New-ApplicationAccessPolicy -AppId '$MI_APP_ID' -PolicyScopeGroupId 'svl-senders@<your domain>' -AccessRight RestrictAccess -Description 'Social Value Ledger may send only as $MAIL_SENDER'
Test-ApplicationAccessPolicy -Identity '$MAIL_SENDER' -AppId '$MI_APP_ID'   # AccessCheckResult: Granted
EOF
fi

# --- Summary --------------------------------------------------------------------------------------

say "Done. Set these for the next azd provision and for the add-in build:"
cat <<EOF
azd env set API_CLIENT_ID $API_APP_ID
azd env set AUTH_TENANT_ID $TENANT_ID
# add-in build (docs/DEPLOY.md step 8): add-in client id $ADDIN_APP_ID, API scope api://$API_APP_ID/access_as_user
EOF
