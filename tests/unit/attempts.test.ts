import { MemoryAttemptStore } from '../../shared/storage/memoryAttemptStore';
import { attemptStoreContract } from '../support/attemptStoreContract';

attemptStoreContract('in-memory', async () => new MemoryAttemptStore());
