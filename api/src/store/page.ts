/** One page of a listing; `continuationToken` is the storage's own token (the HTTP layer makes it opaque). */
export interface Page<T> {
  items: T[];
  continuationToken?: string;
}

export interface PageRequest {
  pageSize: number;
  continuationToken?: string;
}
