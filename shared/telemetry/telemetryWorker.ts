/**
 * The telemetry thread: loads the `applicationinsights` SDK (about a second of CPU, off the main
 * thread so a cold instance answers its first sign-ins without waiting for it) and sends what
 * the main thread records. Started by backgroundTelemetry.ts with the adapter's options as
 * `workerData`; the protocol is in telemetryMessages.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createAppInsightsTelemetry, type AppInsightsOptions } from './appInsights';
import type { Telemetry } from './telemetry';
import {
  errorOf,
  type FromTelemetryThread,
  type TelemetryItem,
  type ToTelemetryThread,
} from './telemetryMessages';

function post(message: FromTelemetryThread): void {
  parentPort?.postMessage(message);
}

function send(telemetry: Telemetry, item: TelemetryItem): void {
  switch (item.kind) {
    case 'event':
      return telemetry.trackEvent(item.name, item.properties);
    case 'exception':
      return telemetry.trackException(errorOf(item.error), item.properties);
    case 'request':
      return telemetry.trackRequest(item.record);
    case 'dependency':
      return telemetry.trackDependency(item.record);
  }
}

function start(): void {
  let telemetry: Telemetry;
  try {
    telemetry = createAppInsightsTelemetry(workerData as AppInsightsOptions);
  } catch (error) {
    post({
      type: 'failed',
      reason: error instanceof Error ? `${error.name}: ${error.message}` : typeof error,
    });
    return;
  }
  parentPort?.on('message', (message: ToTelemetryThread) => {
    if (message.type === 'items') {
      for (const item of message.items) send(telemetry, item);
      return;
    }
    telemetry.flush().then(
      () => post({ type: 'flushed', id: message.id }),
      () => post({ type: 'flushed', id: message.id }),
    );
  });
  post({ type: 'ready' });
}

start();
