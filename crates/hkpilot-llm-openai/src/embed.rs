//! Reads `POST /embeddings` answers: one float vector per input, put back in input
//! order (servers may answer out of order, and say so with `index`).

use serde_json::Value;

pub fn parse_embeddings(v: &Value, expected: usize) -> Result<Vec<Vec<f32>>, String> {
    let data = v
        .get("data")
        .and_then(Value::as_array)
        .ok_or("an embeddings answer without a `data` array")?;
    if data.len() != expected {
        return Err(format!("{} embeddings for {expected} inputs", data.len()));
    }
    let mut out: Vec<Option<Vec<f32>>> = vec![None; expected];
    for (pos, item) in data.iter().enumerate() {
        let index = item
            .get("index")
            .and_then(Value::as_u64)
            .map_or(pos, |i| i as usize);
        let vector = item
            .get("embedding")
            .and_then(Value::as_array)
            .ok_or("an embedding that is not a list of numbers (base64 is not requested)")?
            .iter()
            .map(|x| x.as_f64().map(|f| f as f32))
            .collect::<Option<Vec<f32>>>()
            .ok_or("an embedding with a non-numeric component")?;
        let slot = out
            .get_mut(index)
            .ok_or_else(|| format!("an embedding with index {index} for {expected} inputs"))?;
        if slot.replace(vector).is_some() {
            return Err(format!("two embeddings with index {index}"));
        }
    }
    // Every slot is filled: `expected` items with distinct in-range indices.
    Ok(out.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reorders_by_index_and_checks_the_count() {
        let v =
            json!({"data": [{"index": 1, "embedding": [2.0]}, {"index": 0, "embedding": [1.0]}]});
        assert_eq!(parse_embeddings(&v, 2).unwrap(), vec![vec![1.0], vec![2.0]]);
        assert!(parse_embeddings(&v, 3)
            .unwrap_err()
            .contains("2 embeddings for 3"));
        let dup =
            json!({"data": [{"index": 0, "embedding": [2.0]}, {"index": 0, "embedding": [1.0]}]});
        assert!(parse_embeddings(&dup, 2).is_err());
        let b64 = json!({"data": [{"index": 0, "embedding": "AAAA"}]});
        assert!(parse_embeddings(&b64, 1).is_err());
    }
}
