package archive

import bolt "go.etcd.io/bbolt"

// getURL reads the entry of a URL key (indexKey of a normalised URL): the
// zero entry when the URL is not known or the key is nil.
func getURL(tx *bolt.Tx, key []byte) (urlEntry, error) {
	v := getKey(tx.Bucket(bucketURLs), key)
	if v == nil {
		return urlEntry{}, nil
	}
	return decodeURLEntry(v)
}

// putURL writes the entry of a URL key.
func putURL(tx *bolt.Tx, key []byte, e urlEntry) error {
	return tx.Bucket(bucketURLs).Put(key, encodeURLEntry(e))
}
