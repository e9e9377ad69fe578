/**
 * `npm run policy -- --base-url https://<app>.azurewebsites.net --auth <kind> [--tenant <name>]`:
 * renders the custom-policy templates in policies/*.xml for one tenant and one Function App.
 *
 * In every RESTful technical profile it sets ServiceUrl (…/api/<function>, the function named by
 * the template's ServiceUrl), SendClaimsIn, AuthenticationType and its CryptographicKeys (the
 * policy keys Microsoft documents), IncludeClaimResolvingInClaimsHandling where an input claim
 * uses a claim resolver, and AllowInsecureAuthInProduction only with `--auth none`. It replaces the
 * tenant and the other placeholders it is given, and reports those left to fill in.
 *
 * The renderer works on the template text (no XML library at run time: the tool needs only the
 * app's own dependencies); the test suite checks every rendering against Microsoft's XSD.
 */
import { findAppRoot, runPolicyCli, type CliIo } from './policy/cli';

export * from './policy/args';
export * from './policy/authKinds';
export * from './policy/cli';
export * from './policy/model';
export * from './policy/render';
export * from './policy/xml';

if (require.main === module) {
  const io: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l) };
  try {
    process.exitCode = runPolicyCli(process.argv.slice(2), io, {
      appRoot: findAppRoot(__dirname),
      cwd: process.env.INIT_CWD ?? process.cwd(),
    });
  } catch (error) {
    console.error(`Failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
