/**
 * The credential the connect commands sign in with: `DefaultAzureCredential` for the tenant (so
 * `az login --tenant <tenant> --allow-no-subscriptions` is enough), or `DeviceCodeCredential`
 * with `--device-code` (the code is printed on standard error, never a token).
 */
import {
  DefaultAzureCredential,
  DeviceCodeCredential,
  type TokenCredential,
} from '@azure/identity';

export interface CredentialChoice {
  /** A tenant name or id (`contoso.onmicrosoft.com`, a GUID); undefined: the signed-in default. */
  readonly tenantId?: string | undefined;
  readonly deviceCode: boolean;
  /** Where the device-code prompt goes. */
  readonly prompt: (line: string) => void;
}

export function connectCredential(choice: CredentialChoice): TokenCredential {
  if (choice.deviceCode) {
    return new DeviceCodeCredential({
      tenantId: choice.tenantId,
      userPromptCallback: (info) => choice.prompt(info.message),
    });
  }
  return new DefaultAzureCredential(
    choice.tenantId === undefined ? {} : { tenantId: choice.tenantId },
  );
}
