import { Initial1795308203698 } from './1795308203698-Initial.js';
import { AppendOnlyLogs1795400000000 } from './1795400000000-AppendOnlyLogs.js';
import { OrderEventCursorAndRouting1795500000000 } from './1795500000000-OrderEventCursorAndRouting.js';
import { RateLimitWindow1795600000000 } from './1795600000000-RateLimitWindow.js';
import { ScheduledJob1795700000000 } from './1795700000000-ScheduledJob.js';
import { DispatchOffersAndAlerts1795710000000 } from './1795710000000-DispatchOffersAndAlerts.js';
import { DispatchBatch1795720000000 } from './1795720000000-DispatchBatch.js';
import { ProviderDispatchStats1795730000000 } from './1795730000000-ProviderDispatchStats.js';
import { WorkerRecentOrdersIndex1795740000000 } from './1795740000000-WorkerRecentOrdersIndex.js';

/** Every migration, in order. `npm run db generate Name` writes a new one; add it here. */
export const MIGRATIONS = [
  Initial1795308203698,
  AppendOnlyLogs1795400000000,
  OrderEventCursorAndRouting1795500000000,
  RateLimitWindow1795600000000,
  ScheduledJob1795700000000,
  DispatchOffersAndAlerts1795710000000,
  DispatchBatch1795720000000,
  ProviderDispatchStats1795730000000,
  WorkerRecentOrdersIndex1795740000000,
];
