import { MemoryAttemptStore } from '../support/memoryAttemptStore';
import { attemptStoreContract } from '../support/attemptStoreContract';

attemptStoreContract('in-memory', async () => new MemoryAttemptStore());
