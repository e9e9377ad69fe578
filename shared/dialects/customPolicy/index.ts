/**
 * The custom-policy dialect (a RESTful technical profile): whatever no other dialect
 * recognises. Its claims are read as they arrive; it has no journey step (the policy calls at a
 * place it chose) and sends the claims it declares. Answers: answer.ts.
 */
import type { DialectAdapter } from '../dialect';
import { errorBody } from '../../contract/errorBody';
import { customPolicyAnswer } from './answer';

export const customPolicy: DialectAdapter<undefined> = {
  name: 'customPolicy',
  sendsDeclaredClaims: true,
  carriesAddress: true,
  recognises: () => true,
  read: (raw) => ({ ok: true, value: { claims: raw, context: undefined } }),
  step: () => ({ ok: true, value: undefined }),
  answer: (decision, ctx) => customPolicyAnswer(decision, ctx.requestId),
  error: errorBody,
};
