//! The address book: a customer's saved addresses, with one default for shipping and one
//! for billing. Every query is scoped by the owner's id, so another customer's address is
//! simply "not found", for reading and writing alike.

use super::model::{Address, AddressInput};
use crate::platform::db::AnyConnection;
use crate::platform::db::{now_ms, Db};
use crate::platform::error::AppError;
use crate::platform::ids::new_id;

/// At most this many addresses per customer.
pub const MAX_ADDRESSES: i64 = 50;

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    full_name: String,
    company: String,
    line1: String,
    line2: String,
    city: String,
    region: String,
    postal_code: String,
    country: String,
    phone: String,
    is_default_shipping: i64,
    is_default_billing: i64,
}

impl From<Row> for Address {
    fn from(r: Row) -> Self {
        Self {
            id: r.id,
            full_name: r.full_name,
            company: r.company,
            line1: r.line1,
            line2: r.line2,
            city: r.city,
            region: r.region,
            postal_code: r.postal_code,
            country: r.country,
            phone: r.phone,
            is_default_shipping: r.is_default_shipping == 1,
            is_default_billing: r.is_default_billing == 1,
        }
    }
}

const COLUMNS: &str =
    "id, full_name, company, line1, line2, city, region, postal_code, country, phone, \
                       is_default_shipping, is_default_billing";

pub async fn list(db: &Db, user_id: &str) -> Result<Vec<Address>, AppError> {
    let sql = format!(
        "select {COLUMNS} from addresses where user_id = $1 \
         order by is_default_shipping desc, is_default_billing desc, created_at, id"
    );
    let rows: Vec<Row> = sqlx::query_as(&sql)
        .bind(user_id)
        .fetch_all(db.pool())
        .await?;
    Ok(rows.into_iter().map(Address::from).collect())
}

/// Checks and tidies what the customer typed.
pub fn validate(input: &AddressInput) -> Result<AddressInput, AppError> {
    fn field(
        value: &str,
        name: &str,
        label: &str,
        required: bool,
        max: usize,
    ) -> Result<String, AppError> {
        let value = value.trim();
        if required && value.is_empty() {
            return Err(AppError::validation(name, format!("enter the {label}")));
        }
        if value.chars().count() > max {
            return Err(AppError::validation(
                name,
                format!("use at most {max} characters for the {label}"),
            ));
        }
        if value.chars().any(char::is_control) {
            return Err(AppError::validation(
                name,
                format!("remove the special characters from the {label}"),
            ));
        }
        Ok(value.to_owned())
    }
    let country = input.country.trim().to_ascii_uppercase();
    if super::countries::name(&country).is_none() {
        return Err(AppError::validation(
            "country",
            "choose a country from the list",
        ));
    }
    let phone = field(&input.phone, "phone", "phone number", false, 30)?;
    if !phone
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c))
    {
        return Err(AppError::validation(
            "phone",
            "a phone number has digits, spaces and + - ( ) only",
        ));
    }
    Ok(AddressInput {
        full_name: field(&input.full_name, "full_name", "name", true, 100)?,
        company: field(&input.company, "company", "company", false, 100)?,
        line1: field(&input.line1, "line1", "street address", true, 200)?,
        line2: field(&input.line2, "line2", "second address line", false, 200)?,
        city: field(&input.city, "city", "city", true, 100)?,
        region: field(&input.region, "region", "state or region", false, 100)?,
        postal_code: field(&input.postal_code, "postal_code", "postal code", false, 20)?,
        country,
        phone,
        default_shipping: input.default_shipping,
        default_billing: input.default_billing,
    })
}

/// Adds an address (`id = None`) or changes one of the user's. Returns its id.
pub async fn save(
    db: &Db,
    user_id: &str,
    id: Option<&str>,
    input: &AddressInput,
) -> Result<String, AppError> {
    let input = validate(input)?;
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let id = match id {
        Some(id) => {
            let updated = sqlx::query(
                "update addresses set full_name = $1, company = $2, line1 = $3, line2 = $4, city = $5, \
                 region = $6, postal_code = $7, country = $8, phone = $9, updated_at = $10 \
                 where id = $11 and user_id = $12",
            )
            .bind(&input.full_name)
            .bind(&input.company)
            .bind(&input.line1)
            .bind(&input.line2)
            .bind(&input.city)
            .bind(&input.region)
            .bind(&input.postal_code)
            .bind(&input.country)
            .bind(&input.phone)
            .bind(now)
            .bind(id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
            if updated.rows_affected() != 1 {
                return Err(AppError::NotFound("address".into()));
            }
            id.to_owned()
        }
        None => {
            let (count,): (i64,) =
                sqlx::query_as("select count(*) from addresses where user_id = $1")
                    .bind(user_id)
                    .fetch_one(&mut *tx)
                    .await?;
            if count >= MAX_ADDRESSES {
                return Err(AppError::validation(
                    "line1",
                    format!("you can save up to {MAX_ADDRESSES} addresses; remove one first"),
                ));
            }
            let id = new_id();
            sqlx::query(
                "insert into addresses (id, user_id, full_name, company, line1, line2, city, region, \
                 postal_code, country, phone, is_default_shipping, is_default_billing, created_at, updated_at) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 0, 0, $12, $12)",
            )
            .bind(&id)
            .bind(user_id)
            .bind(&input.full_name)
            .bind(&input.company)
            .bind(&input.line1)
            .bind(&input.line2)
            .bind(&input.city)
            .bind(&input.region)
            .bind(&input.postal_code)
            .bind(&input.country)
            .bind(&input.phone)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            id
        }
    };
    if input.default_shipping {
        make_default(&mut tx, user_id, &id, Kind::Shipping).await?;
    }
    if input.default_billing {
        make_default(&mut tx, user_id, &id, Kind::Billing).await?;
    }
    ensure_defaults(&mut tx, user_id).await?;
    tx.commit().await?;
    Ok(id)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Shipping,
    Billing,
}

impl Kind {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "shipping" => Some(Self::Shipping),
            "billing" => Some(Self::Billing),
            _ => None,
        }
    }

    fn column(self) -> &'static str {
        match self {
            Self::Shipping => "is_default_shipping",
            Self::Billing => "is_default_billing",
        }
    }
}

async fn make_default(
    conn: &mut AnyConnection,
    user_id: &str,
    id: &str,
    kind: Kind,
) -> Result<(), AppError> {
    let column = kind.column();
    let set = sqlx::query(&format!(
        "update addresses set {column} = case when id = $1 then 1 else 0 end where user_id = $2"
    ))
    .bind(id)
    .bind(user_id)
    .execute(&mut *conn)
    .await?;
    if set.rows_affected() == 0 {
        return Err(AppError::NotFound("address".into()));
    }
    let (mine,): (i64,) = sqlx::query_as(&format!(
        "select count(*) from addresses where user_id = $1 and id = $2 and {column} = 1"
    ))
    .bind(user_id)
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    if mine != 1 {
        return Err(AppError::NotFound("address".into()));
    }
    Ok(())
}

/// With any addresses saved, one is the default of each kind (the oldest, if none was chosen).
async fn ensure_defaults(conn: &mut AnyConnection, user_id: &str) -> Result<(), AppError> {
    for kind in [Kind::Shipping, Kind::Billing] {
        let column = kind.column();
        sqlx::query(&format!(
            "update addresses set {column} = 1 where user_id = $1 \
             and not exists (select 1 from addresses a where a.user_id = $1 and a.{column} = 1) \
             and id = (select id from addresses b where b.user_id = $1 order by created_at, id limit 1)"
        ))
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

pub async fn set_default(db: &Db, user_id: &str, id: &str, kind: Kind) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    make_default(&mut tx, user_id, id, kind).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete(db: &Db, user_id: &str, id: &str) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let deleted = sqlx::query("delete from addresses where id = $1 and user_id = $2")
        .bind(id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    if deleted.rows_affected() != 1 {
        return Err(AppError::NotFound("address".into()));
    }
    ensure_defaults(&mut tx, user_id).await?;
    tx.commit().await?;
    Ok(())
}
