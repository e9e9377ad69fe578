import { MemoryAttemptStore } from '../../shared/storage/attempts';
import { attemptStoreContract } from '../support/attemptStoreContract';

attemptStoreContract('in-memory', async () => new MemoryAttemptStore());
